import type { Clock } from "../domain/clock.js";
import type { JobId } from "../domain/ids.js";
import type { Job } from "../domain/job.js";
import type { SessionUsage } from "../domain/session-usage.js";

/** How long one request is prepared to wait for readings. */
export interface UsageReadOptions {
  /**
   * Readings not back after this long are left out of this answer (they still fill the
   * cache for the next one). @defaultValue the reader's `listingWaitMs`
   */
  readonly maxWaitMs?: number;
}

/**
 * Live CPU and memory use of running sessions, for the session JSON's `cpuCoresInUse`
 * and `ramInUse`. An interface so that the source can change (the executor may later
 * sample on its own) without touching the listings that show it.
 */
export interface UsageReader {
  /**
   * Usage of those of `jobs` that are running, by id. A job whose usage could not be
   * read in time is absent, and its fields are left out, as the platform leaves them
   * out when its metrics are unavailable. Never throws.
   */
  read(jobs: readonly Job[], o?: UsageReadOptions): Promise<ReadonlyMap<JobId, SessionUsage>>;
  /** What {@link read} waits for one session at most: the engine call's own time limit. */
  readonly engineTimeoutMs: number;
}

export interface UsageReaderOptions {
  /** A reading is reused for this long after it arrived, so repeated listings cost no engine calls. @defaultValue 2000 */
  readonly freshForMs?: number;
  /** Engine calls in flight at once, over all requests together. @defaultValue 8 */
  readonly maxConcurrent?: number;
  /** A listing waits at most this long for readings. @defaultValue 1500 */
  readonly listingWaitMs?: number;
  /** An engine call not answered after this long counts as no reading. @defaultValue 10000 */
  readonly engineTimeoutMs?: number;
}

interface Reading {
  readonly usage: Promise<SessionUsage | undefined>;
  /** When the reading arrived (or the call gave up); undefined while the call is out. */
  doneAtMs?: number;
}

/** Runs at most `max` tasks at once; a finished task hands its slot straight to the next in line. */
function createLimiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active < max) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/** `promise`, or undefined once `ms` have passed on `clock`. */
async function within<T>(promise: Promise<T>, ms: number, clock: Clock): Promise<T | undefined> {
  let cancel: (() => void) | undefined;
  const late = new Promise<undefined>((resolve) => { cancel = clock.setTimer(ms, () => resolve(undefined)); });
  try {
    return await Promise.race([promise, late]);
  } finally {
    cancel?.();
  }
}

/** Where one running session's usage comes from, e.g. the executor's `usage` (one Engine API stats call). */
export type UsageSource = (job: Job) => Promise<SessionUsage | undefined>;

/**
 * Reads usage from `readUsage` (for Podman one Engine API stats call per run, tens of ms):
 * concurrently within a bound, never more than one call per run at a time, and each
 * reading kept for a couple of seconds after it arrived, so that listing many running
 * sessions costs about one round of calls rather than one call per session per
 * request. A listing waits a short while; a slow engine's readings land in the cache
 * and appear in the next one.
 */
export function createCachedUsageReader(deps: { readonly readUsage: UsageSource; readonly clock: Clock }, o: UsageReaderOptions = {}): UsageReader {
  const freshForMs = o.freshForMs ?? 2000;
  const listingWaitMs = o.listingWaitMs ?? 1500;
  const engineTimeoutMs = o.engineTimeoutMs ?? 10_000;
  const limited = createLimiter(o.maxConcurrent ?? 8);
  const readings = new Map<JobId, Reading>();
  const nowMs = () => deps.clock.now().getTime();

  const start = (job: Job): Reading => {
    // A session's usage must never fail the request that shows it: errors are no reading.
    const call = limited(() => within(deps.readUsage(job).catch(() => undefined), engineTimeoutMs, deps.clock));
    const reading: Reading = { usage: call };
    void call.then(() => { reading.doneAtMs = nowMs(); });
    return reading;
  };

  return {
    engineTimeoutMs,
    async read(jobs, r = {}) {
      const now = nowMs();
      for (const [id, reading] of readings) {
        if (reading.doneAtMs !== undefined && now - reading.doneAtMs >= freshForMs) readings.delete(id);
      }
      const pending = jobs.filter((j) => j.state === "running").map((job) => {
        let reading = readings.get(job.id);
        if (!reading) {
          reading = start(job);
          readings.set(job.id, reading);
        }
        return { id: job.id, usage: reading.usage };
      });
      const out = new Map<JobId, SessionUsage>();
      if (pending.length === 0) return out;
      const all = await within(Promise.all(pending.map(async ({ id, usage }) => {
        const value = await usage;
        if (value) out.set(id, value);
      })), r.maxWaitMs ?? listingWaitMs, deps.clock);
      // Readings still out when the wait ended are left out of this answer (a copy, as they may yet arrive).
      return all === undefined ? new Map(out) : out;
    },
  };
}
