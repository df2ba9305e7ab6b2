import type { Clock } from "../domain/clock.js";
import type { JobId } from "../domain/ids.js";
import type { Job } from "../domain/job.js";
import type { SessionUsage } from "../domain/session-view.js";
import type { Executor } from "../executors/executor.js";

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
  read(jobs: readonly Job[]): Promise<ReadonlyMap<JobId, SessionUsage>>;
}

export interface UsageReaderOptions {
  /** A reading is reused for this long, so repeated listings cost no engine calls. @defaultValue 2000 */
  readonly freshForMs?: number;
  /** Engine calls in flight at once, over all requests together. @defaultValue 8 */
  readonly maxConcurrent?: number;
  /**
   * A request waits at most this long for readings; one not back by then is left out of
   * that answer. An engine call is abandoned after this long too (and not repeated while
   * its empty reading is fresh). @defaultValue 1500
   */
  readonly timeoutMs?: number;
}

interface Reading {
  readonly atMs: number;
  readonly usage: Promise<SessionUsage | undefined>;
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

/**
 * Reads usage with `executor.usage` (one Engine API stats call per run, tens of ms):
 * concurrently within a bound, never more than one call per run at a time, and each
 * reading cached for a couple of seconds, so that listing many running sessions costs
 * about one round of calls rather than one call per session per request.
 */
export function createCachedUsageReader(deps: { readonly executor: Pick<Executor, "usage">; readonly clock: Clock }, o: UsageReaderOptions = {}): UsageReader {
  const freshForMs = o.freshForMs ?? 2000;
  const timeoutMs = o.timeoutMs ?? 1500;
  const limited = createLimiter(o.maxConcurrent ?? 8);
  const readings = new Map<JobId, Reading>();

  const readOne = (job: Job): Promise<SessionUsage | undefined> => limited(async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => { timer = setTimeout(resolve, timeoutMs, undefined); });
    try {
      // A listing must not fail because one container's statistics could not be read.
      return await Promise.race([deps.executor.usage({ jobId: job.id, handle: job.runHandle }).catch(() => undefined), late]);
    } finally {
      clearTimeout(timer);
    }
  });

  return {
    async read(jobs) {
      const nowMs = deps.clock.now().getTime();
      for (const [id, r] of readings) if (nowMs - r.atMs >= freshForMs) readings.delete(id);
      const pending = jobs.filter((j) => j.state === "running").map((job) => {
        let reading = readings.get(job.id);
        if (!reading) {
          reading = { atMs: nowMs, usage: readOne(job) };
          readings.set(job.id, reading);
        }
        return { id: job.id, usage: reading.usage };
      });
      const out = new Map<JobId, SessionUsage>();
      if (pending.length === 0) return out;
      // The request waits at most this long in all; readings still out fill the cache for the next one.
      let timer: NodeJS.Timeout | undefined;
      const giveUp = new Promise<undefined>((resolve) => { timer = setTimeout(resolve, timeoutMs, undefined); });
      try {
        for (const { id, usage } of pending) {
          const value = await Promise.race([usage, giveUp]);
          if (value) out.set(id, value);
        }
      } finally {
        clearTimeout(timer);
      }
      return out;
    },
  };
}
