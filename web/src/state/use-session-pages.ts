/**
 * The jobs table's rows: pages of the listing loaded as the user scrolls toward them,
 * with each row replaced by the newest version the live stream sent. A session the
 * table has not loaded but which matches the filters (a new one) makes it reload the
 * first page, at most every few seconds.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { DONE_STATUSES } from "../../../src/contracts/session.js";
import type { Session } from "../api/extension-types.js";
import { listSessionsPage } from "../api/session-listing.js";
import { liveStore, useLive } from "./live-store.js";
import { matchesQuery, printQuery, type SessionQuery } from "./session-query.js";

const FIRST_PAGE = 100;
const NEXT_PAGE = 500;
const REFRESH_MIN_MS = 2000;

export interface SessionPages {
  readonly total: number | undefined;
  readonly rows: readonly Session[];
  readonly serverPaged: boolean;
  readonly loading: boolean;
  readonly error: string | undefined;
  /** Asks for rows up to `index` to be loaded. */
  ensure(index: number): void;
  refresh(): void;
}

export function useSessionPages(q: SessionQuery, me: string): SessionPages {
  const key = printQuery(q);
  const live = useLive();
  const [state, setState] = useState<{ key: string; rows: Session[]; total: number | undefined; cursor: string | undefined; serverPaged: boolean; error: string | undefined }>(
    { key, rows: [], total: undefined, cursor: undefined, serverPaged: true, error: undefined },
  );
  const [loading, setLoading] = useState(false);
  const wanted = useRef(FIRST_PAGE);
  const generation = useRef(0);
  const lastRefresh = useRef(0);
  const seenVersion = useRef(live.version);

  const load = useCallback(async (reset: boolean) => {
    const gen = reset ? ++generation.current : generation.current;
    setLoading(true);
    try {
      let rows: Session[] = reset ? [] : state.rows;
      let cursor = reset ? undefined : state.cursor;
      let total = reset ? undefined : state.total;
      let serverPaged = state.serverPaged;
      do {
        const page = await listSessionsPage(q, cursor, rows.length === 0 ? FIRST_PAGE : NEXT_PAGE);
        if (gen !== generation.current) return;
        rows = [...rows, ...page.rows];
        cursor = page.nextCursor;
        total = page.total;
        serverPaged = page.serverPaged;
        setState({ key, rows, total, cursor, serverPaged, error: undefined });
      } while (cursor !== undefined && rows.length < wanted.current);
    } catch (e) {
      if (gen === generation.current) setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e) }));
    } finally {
      if (gen === generation.current) setLoading(false);
    }
  }, [key, state]);

  useEffect(() => {
    wanted.current = FIRST_PAGE;
    lastRefresh.current = Date.now();
    void load(true);
  }, [key, live.reloads]);

  // A session the stream sent that matches but is not loaded (a new one), or a loaded one
  // that has ended (a deleted one leaves the listing, which only the server knows): reload, throttled.
  useEffect(() => {
    if (state.rows.length === 0 && state.total === undefined) return;
    const loaded = new Set(state.rows.map((s) => s.id));
    const changed = liveStore.changedSince(seenVersion.current);
    seenVersion.current = live.version;
    const unseen = changed.some((id) => {
      const s = liveStore.session(id);
      if (s === undefined) return false;
      if (loaded.has(id)) return DONE_STATUSES.includes(s.status);
      return (q.all || s.userid === me) && matchesQuery(s, q);
    });
    if (!unseen) return;
    const delay = Math.max(0, lastRefresh.current + REFRESH_MIN_MS - Date.now());
    const t = setTimeout(() => {
      lastRefresh.current = Date.now();
      wanted.current = Math.max(FIRST_PAGE, Math.min(state.rows.length, 5000));
      void load(true);
    }, delay);
    return () => clearTimeout(t);
  }, [live.version]);

  const rows = state.key === key ? state.rows.map((s) => liveStore.session(s.id) ?? s) : [];
  return {
    total: state.key === key ? state.total : undefined,
    rows,
    serverPaged: state.serverPaged,
    loading,
    error: state.error,
    ensure(index) {
      if (index < state.rows.length - 20 || state.cursor === undefined || loading) return;
      wanted.current = index + NEXT_PAGE;
      void load(false);
    },
    refresh() {
      void load(true);
    },
  };
}
