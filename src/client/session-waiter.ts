import { hasStartedStatus, isDoneStatus, isFailedStatus, type SessionJson } from "../contracts/session.js";
import { abortablePause } from "./abortable-pause.js";
import { AbortedError, ApiError, ClientError } from "./client-error.js";

/** `running`: until each session has started (or already ended); `done`: until each has ended. */
export type WaitUntil = "running" | "done";

export interface WaitOptions {
  /** @defaultValue "done" */
  readonly until?: WaitUntil;
  /** Give up after this long, in ms; without it, wait as long as it takes. */
  readonly timeoutMs?: number | undefined;
  /** Longest pause between two polls, in ms; polls start fast and slow down to this. @defaultValue 5000 */
  readonly pollIntervalMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Called after every poll with counts by status, for progress display. */
  readonly onProgress?: ((progress: WaitProgress) => void) | undefined;
}

export interface WaitProgress {
  readonly total: number;
  /** Sessions that reached the target. */
  readonly reached: number;
  /** Sessions by status word, e.g. `{ Pending: 3, Running: 5, Completed: 2 }`; `NotFound` for unknown ids. */
  readonly byStatus: Readonly<Record<string, number>>;
  readonly elapsedMs: number;
}

export interface WaitResult {
  /** The last state seen of every session found, in the order of the ids given. */
  readonly sessions: readonly SessionJson[];
  /** True when every session reached the target (some may have failed). */
  readonly reached: boolean;
  readonly timedOut: boolean;
  /** Sessions that ended Failed (or Error). */
  readonly failed: readonly SessionJson[];
  /** Ids the server does not know (or that belong to someone else), with the error. */
  readonly missing: readonly { readonly id: string; readonly error: ClientError }[];
  readonly elapsedMs: number;
}

/** What waiting needs from the server. */
export interface SessionSource {
  list(signal: AbortSignal | undefined): Promise<readonly SessionJson[]>;
  info(id: string, signal: AbortSignal | undefined): Promise<SessionJson>;
}

/** Up to this many ids are polled one by one; more are read from one listing. */
const LIST_THRESHOLD = 4;

/**
 * Polls until every session reached the target, the timeout passed, or the signal
 * fired (then it throws AbortedError). Many sessions cost one listing per poll, not one
 * request each; ids missing from the listing are asked for one by one, and a 404 marks
 * the id missing instead of failing the wait. Polls start 250 ms apart and slow down by
 * half each time up to `pollIntervalMs`.
 */
export async function waitForSessions(source: SessionSource, ids: readonly string[], o: WaitOptions = {}): Promise<WaitResult> {
  const until = o.until ?? "done";
  const reachedTarget = (s: SessionJson) => (until === "done" ? isDoneStatus(s.status) : hasStartedStatus(s.status));
  const wanted = [...new Set(ids)];
  const latest = new Map<string, SessionJson>();
  const missing = new Map<string, ClientError>();
  const started = Date.now();
  const maxPause = Math.max(50, o.pollIntervalMs ?? 5000);
  let interval = Math.min(250, maxPause);
  const open = () => wanted.filter((id) => !missing.has(id) && !(latest.has(id) && reachedTarget(latest.get(id)!)));

  const lookUp = async (id: string): Promise<void> => {
    try {
      latest.set(id, await source.info(id, o.signal));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) missing.set(id, e);
      else throw e;
    }
  };

  for (;;) {
    if (o.signal?.aborted) throw new AbortedError("Aborted.");
    const pending = open();
    if (pending.length > LIST_THRESHOLD) {
      const listed = new Map((await source.list(o.signal)).map((s) => [s.id, s]));
      for (const id of pending) {
        const s = listed.get(id);
        if (s) latest.set(id, s);
      }
      for (const id of pending.filter((i) => !listed.has(i))) await lookUp(id);
    } else {
      for (const id of pending) await lookUp(id);
    }
    const elapsedMs = Date.now() - started;
    const byStatus: Record<string, number> = {};
    for (const id of wanted) {
      const word = missing.has(id) ? "NotFound" : latest.get(id)?.status ?? "Unknown";
      byStatus[word] = (byStatus[word] ?? 0) + 1;
    }
    const stillOpen = open();
    o.onProgress?.({ total: wanted.length, reached: wanted.length - stillOpen.length - missing.size, byStatus, elapsedMs });
    const timedOut = o.timeoutMs !== undefined && elapsedMs >= o.timeoutMs;
    if (stillOpen.length === 0 || timedOut) {
      const sessions = wanted.flatMap((id) => (latest.has(id) ? [latest.get(id)!] : []));
      return {
        sessions,
        reached: stillOpen.length === 0 && missing.size === 0,
        timedOut: stillOpen.length > 0,
        failed: sessions.filter((s) => isFailedStatus(s.status)),
        missing: [...missing].map(([id, error]) => ({ id, error })),
        elapsedMs,
      };
    }
    const left = o.timeoutMs === undefined ? interval : Math.max(0, Math.min(interval, o.timeoutMs - elapsedMs));
    await abortablePause(left, o.signal);
    interval = Math.min(maxPause, Math.round(interval * 1.5));
  }
}
