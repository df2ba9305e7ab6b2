/** Waits `ms`, or less when `signal` aborts first; never rejects, so callers check the signal themselves. */
export const abortablePause = (ms: number, signal: AbortSignal | undefined) => new Promise<void>((resolve) => {
  const timer = setTimeout(done, ms);
  function done() {
    signal?.removeEventListener("abort", done);
    clearTimeout(timer);
    resolve();
  }
  signal?.addEventListener("abort", done, { once: true });
});
