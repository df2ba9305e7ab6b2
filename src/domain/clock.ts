/**
 * Time, injected everywhere it is read or waited on, so that scheduling, deadlines,
 * back-offs and engine polling can be tested without waiting.
 */
export interface Clock {
  now(): Date;
  /**
   * Calls `fn` once after `ms` milliseconds. The timer never keeps the process alive.
   * @returns a function that cancels it (idempotent).
   */
  setTimer(ms: number, fn: () => void): () => void;
  /** Resolves after `ms` milliseconds; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** setTimeout's ceiling (about 24.8 days); longer waits are made of several timers. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => new Date(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    t.unref();
    return () => clearTimeout(t);
  },
  sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const onAbort = () => {
        clearTimeout(t);
        reject(signal!.reason as Error);
      };
      const t = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.min(Math.max(0, ms), MAX_TIMER_MS));
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};

/** Repeats `task` every `ms` milliseconds on `clock` until the returned function is called. */
export function every(clock: Clock, ms: number, task: () => void): () => void {
  let cancel: () => void = () => undefined;
  let stopped = false;
  const arm = () => {
    cancel = clock.setTimer(ms, () => {
      if (stopped) return;
      task();
      arm();
    });
  };
  arm();
  return () => {
    stopped = true;
    cancel();
  };
}

/** A clock that moves only when told: `advance(ms)` fires the timers that fall due, in order. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  /** Timers not yet fired. */
  readonly pendingTimers: number;
}

export function createManualClock(start = new Date("2026-01-01T00:00:00Z")): ManualClock {
  let nowMs = start.getTime();
  let seq = 0;
  const timers = new Map<number, { atMs: number; fn: () => void }>();
  const setTimer = (ms: number, fn: () => void) => {
    const id = ++seq;
    timers.set(id, { atMs: nowMs + Math.max(0, ms), fn });
    return () => void timers.delete(id);
  };
  return {
    now: () => new Date(nowMs),
    setTimer,
    sleep(ms, signal) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason as Error);
        const cancel = setTimer(ms, resolve);
        signal?.addEventListener("abort", () => { cancel(); reject(signal.reason as Error); }, { once: true });
      });
    },
    advance(ms) {
      const until = nowMs + ms;
      for (;;) {
        let next: [number, { atMs: number; fn: () => void }] | undefined;
        for (const entry of timers) if (entry[1].atMs <= until && (!next || entry[1].atMs < next[1].atMs)) next = entry;
        if (!next) break;
        timers.delete(next[0]);
        nowMs = Math.max(nowMs, next[1].atMs);
        next[1].fn();
      }
      nowMs = until;
    },
    get pendingTimers() {
      return timers.size;
    },
  };
}
