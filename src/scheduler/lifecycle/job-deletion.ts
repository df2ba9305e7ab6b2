import { isTerminal, type Job } from "../../domain/job.js";
import { lifecycleEvents as ev } from "../../domain/lifecycle-events.js";
import type { JobFinisher } from "./job-finisher.js";
import type { LifecycleDeps } from "./lifecycle-deps.js";
import type { RunStopper } from "./run-stopper.js";

export type JobDeletionDeps = Pick<LifecycleDeps, "store" | "executor" | "notifier" | "clock"> & {
  readonly finisher: JobFinisher;
  readonly stopper: RunStopper;
};

/**
 * Deletes a job as `DELETE /session/{id}` asks: a queued job ends at once; a live run
 * goes Terminating and is stopped; a finished job just leaves the listing. The caller
 * removes a queued job from the scheduler's queue first.
 */
export class JobDeletion {
  constructor(private readonly d: JobDeletionDeps) {}

  async delete(job: Job): Promise<Job> {
    const now = this.d.clock.now();
    const jobs = this.d.store.jobs;
    if (job.state === "queued") {
      const done = await jobs.transition(job.id, ["queued"], "cancelled", { reason: "Deleted by user", finishedAt: now, visibleUntil: now, sealedRegistryAuth: null }, ev.deleted(now, "Session deleted before it started"));
      if (done) {
        await this.d.finisher.afterTerminal(done);
        return done;
      }
      return this.delete((await jobs.get(job.id)) ?? job);
    }
    if (job.state === "starting" || job.state === "running") {
      const terminating = await jobs.transition(job.id, ["starting", "running"], "terminating", {}, ev.killing(now, this.d.executor.stopGraceSeconds));
      if (!terminating) return this.delete((await jobs.get(job.id)) ?? job);
      this.d.notifier.changed(terminating);
      // An engine that queues runs itself (Slurm) holds submitted runs in `starting`: those must be stopped too.
      if (job.state === "running" || (job.runHandle !== null && this.d.executor.queuesItself)) void this.d.stopper.stop(terminating);
      return terminating;
    }
    if (isTerminal(job.state) && job.visibleUntil > now) {
      return (await jobs.update(job.id, { visibleUntil: now })) ?? job;
    }
    return job;
  }
}
