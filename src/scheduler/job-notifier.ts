import type { JobId } from "../domain/ids.js";
import type { Job } from "../domain/job.js";

import type { JobListener } from "../jobs/scheduling-port.js";

/**
 * In-process fan-out of job changes, so followers (log streams, waiters) learn about
 * a job's end without polling the database.
 */
export class JobNotifier {
  private readonly byJob = new Map<JobId, Set<JobListener>>();
  private readonly all = new Set<JobListener>();

  /** Calls `listener` on every change of job `id`; returns the unsubscribe function. */
  watch(id: JobId, listener: JobListener): () => void {
    let set = this.byJob.get(id);
    if (!set) this.byJob.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.byJob.delete(id);
    };
  }

  /** Calls `listener` on every change of any job. */
  watchAll(listener: JobListener): () => void {
    this.all.add(listener);
    return () => this.all.delete(listener);
  }

  changed(job: Job): void {
    for (const l of this.byJob.get(job.id) ?? []) l(job);
    for (const l of this.all) l(job);
  }
}
