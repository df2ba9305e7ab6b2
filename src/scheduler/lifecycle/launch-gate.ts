import { availableParallelism } from "node:os";

/**
 * How many runs are handed to the engine at once: twice the host's CPUs, at least 4.
 * Admission is bounded by capacity, but jobs with small core requests on a large host
 * can be admitted by the hundred in one pass; handing them all to the engine at once
 * makes every create wait on the engine's locks and leaves no CPU for the API (issue 11).
 */
export const MAX_CONCURRENT_LAUNCHES = Math.max(4, 2 * availableParallelism());

/** A counting semaphore: at most `limit` tasks run at once, the rest wait in arrival order. */
export class LaunchGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit = MAX_CONCURRENT_LAUNCHES) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes on: running stays the same
      else this.running--;
    }
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }
}
