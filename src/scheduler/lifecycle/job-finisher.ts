import { toError } from "../../domain/errors.js";
import type { JobId } from "../../domain/ids.js";
import type { NewJobEvent } from "../../domain/job-event.js";
import type { Job, JobState } from "../../domain/job.js";
import { lifecycleEvents as ev } from "../../domain/lifecycle-events.js";
import type { JobPatch } from "../../store/store.js";
import type { DeadlineTimers } from "./deadline-timers.js";
import { refOf, type LifecycleDeps, type LifecycleSettings } from "./lifecycle-deps.js";
import type { RunMarks } from "./run-marks.js";
import type { LogLimits } from "./log-limits.js";
import type { RunPreparations } from "./run-preparations.js";
import type { SessionOutput } from "./session-output.js";

export type FinisherDeps = Pick<LifecycleDeps, "store" | "executor" | "ledger" | "notifier" | "dirs" | "clock" | "log" | "ended"> & {
  readonly deadlines: DeadlineTimers;
  readonly marks: RunMarks;
  readonly preparations: RunPreparations;
  readonly logLimits: LogLimits;
  readonly output: SessionOutput;
};

/** Moves jobs to their terminal states and frees what their runs held. */
export class JobFinisher {
  constructor(private readonly d: FinisherDeps, private readonly s: Pick<LifecycleSettings, "listingTtlSeconds">) {}

  /** Moves a job to a terminal state and cleans up after it. Returns false when it lost the race. */
  async finishAs(jobId: JobId, from: readonly JobState[], to: JobState, patch: JobPatch, event: NewJobEvent): Promise<boolean> {
    const finishedAt = patch.finishedAt ?? this.d.clock.now();
    // A deleted session leaves the listing at once; others stay for the listing TTL.
    const visibleUntil = to === "cancelled" ? finishedAt : new Date(finishedAt.getTime() + this.s.listingTtlSeconds * 1000);
    // Registry credentials are kept (sealed) only while a pull may still be needed.
    const done = await this.d.store.jobs.transition(jobId, from, to, { ...patch, finishedAt, visibleUntil, sealedRegistryAuth: null }, event);
    if (!done) return false;
    await this.afterTerminal(done);
    return true;
  }

  /** Frees a job that just reached a terminal state: capacity, timers, marks, then its run on the engine. */
  async afterTerminal(job: Job): Promise<void> {
    this.d.deadlines.clear(job.id);
    const cutLog = this.d.marks.isLogLimited(job.id);
    this.d.marks.forget(job.id);
    this.d.ledger.release(job.id);
    this.d.notifier.changed(job);
    // The next job may start while this run's container is being removed.
    this.d.ended(job);
    await this.d.preparations.take(job.id); // a run being prepared is released once it exists
    await this.releaseEngineSide(job);
    // Only once the engine's writer is gone (conmon keeps its own file offset): a cut before would come back as a hole.
    if (cutLog) await this.d.logLimits.cut(job);
    if (job.state !== "cancelled" || job.startedAt !== null) await this.d.output.write(job);
  }

  /** Frees what the engine keeps of a finished run. Never throws: the reconciler retries. */
  async releaseEngineSide(job: Job): Promise<void> {
    try {
      await Promise.all([this.d.dirs.removeScratch(job.id), this.d.executor.release(refOf(job))]);
    } catch (e) {
      this.d.log.warn({ jobId: job.id, err: toError(e).message }, "could not release the run; the reconciler will retry");
    }
  }

  /** Fails a queued job that can never run (a dependency failed or was deleted). */
  async failQueued(jobId: JobId, message: string): Promise<void> {
    const now = this.d.clock.now();
    await this.finishAs(jobId, ["queued"], "failed", { reason: `DependencyFailed: ${message}`, finishedAt: now }, ev.dependencyFailed(now, message));
  }

  /** A job deleted while its launch failed has no run to stop: it ends at once. */
  async finishDeletedLaunch(jobId: JobId): Promise<void> {
    const now = this.d.clock.now();
    await this.finishAs(jobId, ["terminating"], "cancelled", { reason: "Deleted by user", finishedAt: now }, ev.deleted(now, "Session deleted while it was starting"));
  }
}
