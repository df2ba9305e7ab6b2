/**
 * Pages of `GET /session` for the jobs table. A server with the paged listing answers
 * `x-skyrun-total` and `x-skyrun-next-cursor`: it filters, sorts and pages. A server
 * without it answers the whole list; then the same filters and sort are applied here
 * and the list is cut into pages, so the table works the same way against both.
 */
import { compareSessions, hasBrowserFilters, listingParams, matchesQuery, type SessionQuery } from "../state/session-query.js";
import { call } from "./api-client.js";
import type { Session } from "./extension-types.js";

export interface SessionPage {
  readonly rows: readonly Session[];
  /** Sessions matching the query, before paging. */
  readonly total: number;
  /** Give it back for the next page; undefined on the last one. */
  readonly nextCursor: string | undefined;
  /** True when the server paged; false when this module did. */
  readonly serverPaged: boolean;
}

const TOTAL = "x-skyrun-total";
const NEXT = "x-skyrun-next-cursor";

/** The unpaged list, reused for a moment so scrolling through pages does not refetch it. */
let whole: { key: string; atMs: number; rows: Session[] } | undefined;
const WHOLE_REUSE_MS = 3000;

async function wholeList(q: SessionQuery, signal?: AbortSignal): Promise<Session[]> {
  const key = q.all ? "all" : "own";
  if (whole?.key === key && Date.now() - whole.atMs < WHOLE_REUSE_MS) return whole.rows;
  const r = await call("session", { query: q.all ? { view: "all" } : {}, ...(signal ? { signal } : {}) });
  // The platform's view=all has no ids (its public shape): such rows are shown but cannot be opened or acted on.
  const rows = ((await r.json()) as Session[]).map((s) => (typeof s.id === "string" ? s : { ...s, id: "" }));
  whole = { key, atMs: Date.now(), rows };
  return rows;
}

/** Forget the cached unpaged list (after an action changed sessions). */
export function invalidateListing(): void {
  whole = undefined;
}

const offsetCursor = (n: number): string => `local:${n}`;

let paging: Promise<boolean> | undefined;
/** Does the server page the listing? Asked once with `limit=1`: cheap either way. */
function serverPages(): Promise<boolean> {
  paging ??= call("session", { query: { limit: 1 } }).then(async (r) => {
    await r.body?.cancel();
    return r.headers.get(TOTAL) !== null;
  }).catch((e: unknown) => {
    paging = undefined;
    throw e;
  });
  return paging;
}

/**
 * One page of the sessions matching `q`. `cursor` is the previous page's `nextCursor`.
 * Filters the server lacks (exit code, exact id) are applied to each page as well.
 */
export async function listSessionsPage(q: SessionQuery, cursor: string | undefined, limit: number, signal?: AbortSignal): Promise<SessionPage> {
  if (await serverPages()) {
    const r = await call("session", { query: { ...listingParams(q), limit, cursor }, ...(signal ? { signal } : {}) });
    const rows = (await r.json()) as Session[];
    const kept = hasBrowserFilters(q) ? rows.filter((s) => matchesQuery(s, q)) : rows;
    return { rows: kept, total: Number(r.headers.get(TOTAL) ?? rows.length), nextCursor: r.headers.get(NEXT) ?? undefined, serverPaged: true };
  }
  const start = cursor?.startsWith("local:") ? Number(cursor.slice(6)) : 0;
  const all = (await wholeList(q, signal)).filter((s) => matchesQuery(s, q)).sort(compareSessions(q.sort, q.descending));
  const rows = all.slice(start, start + limit);
  const next = start + limit < all.length ? offsetCursor(start + limit) : undefined;
  return { rows, total: all.length, nextCursor: next, serverPaged: false };
}

/**
 * Every session matching `q`, page after page, up to `max`: what a bulk action on
 * "everything the filter matches" acts on when the server has no selector for it,
 * and what grouping counts over.
 */
export async function listAllMatching(q: SessionQuery, max: number, onProgress?: (loaded: number, total: number) => void): Promise<{ rows: Session[]; total: number }> {
  const rows: Session[] = [];
  let cursor: string | undefined;
  let total = 0;
  do {
    const page = await listSessionsPage(q, cursor, 1000);
    rows.push(...page.rows);
    total = page.total;
    cursor = page.nextCursor;
    onProgress?.(rows.length, total);
  } while (cursor !== undefined && rows.length < max);
  return { rows, total };
}
