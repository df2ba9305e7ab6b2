import type { JobId } from "../../domain/ids.js";
import { isTerminal } from "../../domain/job.js";
import { lifecycleEvents as ev } from "../../domain/lifecycle-events.js";
import { classifyRunExit, type RunExit } from "../../domain/run-outcome.js";
import type { RunEvent } from "../../executors/executor.js";
import type { AttemptRetries } from "./attempt-retries.js";
import type { DeadlineTimers } from "./deadline-timers.js";
import type { JobFinisher } from "./job-finisher.js";
import type { LifecycleDeps } from "./lifecycle-deps.js";
import type { RunMarks } from "./run-marks.js";

export type RunExitsDeps = Pick<LifecycleDeps, "store" | "notifier" | "clock"> & {
  readonly deadlines: DeadlineTimers;
  readonly marks: RunMarks;
  readonly finisher: JobFinisher;
  readonly retries: AttemptRetries;
};

/** Records what the engine reports about runs: started, pending, notes, and how each ended. */
export class RunExits {
  constructor(private readonly d: RunExitsDeps) {}

  async handle(e: RunEvent): Promise<void> {
    switch (e.kind) {
      case "started":
        await this.started(e.jobId, e.at);
        return;
      case "exited":
        await this.finishRun(e.jobId, e);
        return;
      case "note":
        await this.d.store.events.append(e.jobId, { type: e.type, reason: e.reason, message: e.message, at: e.at });
        return;
      case "pending":
        await this.d.store.jobs.update(e.jobId, { reason: e.reason }, { type: "Normal", reason: "Pending", message: e.reason, at: this.d.clock.now() });
        return;
    }
  }

  async started(jobId: JobId, at: Date): Promise<void> {
    // The pending reason an engine reported (Slurm's) no longer applies.
    const running = await this.d.store.jobs.transition(jobId, ["starting"], "running", { startedAt: at, reason: null }, ev.started(at));
    if (running) {
      this.d.deadlines.arm(running);
      this.d.notifier.changed(running);
    }
  }

  /** Records how a run ended. Retries when the job moved under us (e.g. starting → running). */
  async finishRun(jobId: JobId, exit: RunExit): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const job = await this.d.store.jobs.get(jobId);
      if (!job || job.state === "queued") return;
      if (isTerminal(job.state)) {
        await this.d.finisher.releaseEngineSide(job);
        return;
      }
      const outcome = classifyRunExit(job, exit, this.d.marks.interventionsOf(job.id));
      // The engine's start time is the truth; ours is when the start call returned, a little later.
      const startedAt = exit.startedAt ?? job.startedAt ?? exit.at;
      const finishedAt = exit.at > startedAt ? exit.at : startedAt;
      const coreSeconds = job.resources.coresRequest * ((finishedAt.getTime() - startedAt.getTime()) / 1000);
      if (outcome.to === "failed" && this.d.retries.shouldRetry(job, outcome.cause)) {
        if (await this.d.retries.retry(job, outcome, { exitCode: exit.exitCode, startedAt, finishedAt })) return;
        continue;
      }
      const patch = { exitCode: exit.exitCode, reason: outcome.reason, finishedAt, startedAt, coreSeconds };
      if (await this.d.finisher.finishAs(jobId, [job.state], outcome.to, patch, outcome.event)) return;
    }
  }
}
