import type { Clock } from "../domain/clock.js";

/** Work started in the background (launches, engine events), so shutdown can wait for it before the store closes. */
export class InflightWork {
  private readonly work = new Set<Promise<unknown>>();

  track(work: Promise<unknown>): void {
    this.work.add(work);
    void work.finally(() => this.work.delete(work));
  }

  /** Resolves once everything tracked has settled, or after `timeoutMs`. */
  async settle(clock: Clock, timeoutMs: number): Promise<void> {
    await Promise.race([Promise.allSettled([...this.work]), clock.sleep(timeoutMs)]);
  }
}
