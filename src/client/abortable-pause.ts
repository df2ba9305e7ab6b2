import { setTimeout as delay } from "node:timers/promises";

/** Waits `ms`, or less when `signal` aborts first; never rejects, so callers check the signal themselves. */
export const abortablePause = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  delay(ms, undefined, { signal }).catch(() => undefined);
