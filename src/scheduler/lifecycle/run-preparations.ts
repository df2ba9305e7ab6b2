import type { JobId } from "../../domain/ids.js";
import type { RunRequest } from "../../executors/executor.js";

/**
 * Runs being created ahead of their start, with the request each built: the launch
 * submits that same request, and a job's end waits for its preparation to settle so
 * the engine's copy is released after it exists.
 */
export class RunPreparations {
  private readonly byJob = new Map<JobId, Promise<RunRequest | undefined>>();

  has(id: JobId): boolean {
    return this.byJob.has(id);
  }

  /** Records a preparation in flight; a failed one settles as undefined. */
  add(id: JobId, preparing: Promise<RunRequest | undefined>): void {
    this.byJob.set(id, preparing.catch(() => undefined));
  }

  /** The request a preparation built, once it is done; undefined when there was none. Forgets it. */
  async take(id: JobId): Promise<RunRequest | undefined> {
    const run = await this.byJob.get(id);
    this.byJob.delete(id);
    return run;
  }
}
