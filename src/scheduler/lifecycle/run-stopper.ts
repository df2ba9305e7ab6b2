import { toError } from "../../domain/errors.js";
import type { Job } from "../../domain/job.js";
import { lifecycleEvents as ev } from "../../domain/lifecycle-events.js";
import type { JobFinisher } from "./job-finisher.js";
import { refOf, type LifecycleDeps } from "./lifecycle-deps.js";
import type { RunExits } from "./run-exits.js";
import type { RunMarks } from "./run-marks.js";

export type RunStopperDeps = Pick<LifecycleDeps, "executor" | "clock" | "log"> & {
  readonly marks: RunMarks;
  readonly exits: RunExits;
  readonly finisher: JobFinisher;
};

/** Stops the runs of deleted jobs and records their end once the engine confirms it. */
export class RunStopper {
  constructor(private readonly d: RunStopperDeps) {}

  /** Stops a terminating job's run (SIGTERM, then SIGKILL after the grace period). Never throws: the reconciler retries. */
  async stop(job: Job): Promise<void> {
    this.d.marks.markStopped(job.id);
    try {
      await this.d.executor.cancel(refOf(job));
      const status = (await this.d.executor.statuses([refOf(job)])).get(job.id);
      if (status?.phase === "exited") {
        await this.d.exits.finishRun(job.id, { exitCode: status.exitCode, oomKilled: status.oomKilled, startedAt: status.startedAt, at: status.finishedAt, reason: status.reason });
      } else if (status?.phase === "vanished") {
        const now = this.d.clock.now();
        await this.d.finisher.finishAs(job.id, ["terminating"], "cancelled", { reason: "Deleted by user", finishedAt: now }, ev.deleted(now, "Session deleted"));
      }
    } catch (e) {
      this.d.marks.unmarkStopped(job.id);
      this.d.log.warn({ jobId: job.id, err: toError(e).message }, "stopping the run failed; the reconciler will retry");
    }
  }

  /** Stops the run unless a stop is already under way. */
  async stopOnce(job: Job): Promise<void> {
    if (!this.d.marks.isStopped(job.id)) await this.stop(job);
  }
}
