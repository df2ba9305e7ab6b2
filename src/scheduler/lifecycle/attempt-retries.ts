import { formatInstant } from "../../contracts/instant.js";
import type { Job } from "../../domain/job.js";
import { lifecycleEvents as ev } from "../../domain/lifecycle-events.js";
import type { OutcomeCause, RunOutcome } from "../../domain/run-outcome.js";
import type { DeadlineTimers } from "./deadline-timers.js";
import type { JobFinisher } from "./job-finisher.js";
import type { LifecycleDeps } from "./lifecycle-deps.js";
import type { RunMarks } from "./run-marks.js";

export interface RetrySettings {
  /** The first retry waits this long; each next one twice as long. */
  readonly backoffSeconds: number;
  readonly maxBackoffSeconds: number;
}

export type AttemptRetriesDeps = Pick<LifecycleDeps, "store" | "dirs" | "ledger" | "notifier" | "clock" | "log" | "retry"> & {
  readonly deadlines: DeadlineTimers;
  readonly marks: RunMarks;
  readonly finisher: JobFinisher;
};

/** Causes worth another attempt: the program's failure, the kernel's OOM kill, a lost node or engine, the deadline. */
const RETRYABLE: ReadonlySet<OutcomeCause> = new Set<OutcomeCause>(["exit", "oom", "engine", "deadline", "log-limit"]);

/** How an attempt ended, for its record. */
export interface AttemptEnd {
  readonly exitCode: number | null;
  readonly startedAt: Date | null;
  readonly finishedAt: Date;
}

/**
 * Retries failed attempts of jobs that asked for it (`retries=N`): the attempt's end
 * is kept (its exit code, reason, times and log), and the job goes back to the queue
 * for its next attempt after an exponential back-off. A deleted job is never retried.
 */
export class AttemptRetries {
  constructor(private readonly d: AttemptRetriesDeps, private readonly s: RetrySettings) {}

  /** Does this failure get another attempt? */
  shouldRetry(job: Job, cause: OutcomeCause): boolean {
    return job.state !== "terminating" && RETRYABLE.has(cause) && job.attempt <= job.retries;
  }

  /** Ends the attempt and queues the next one. Returns false when the job moved meanwhile (deleted, say). */
  async retry(job: Job, outcome: Pick<RunOutcome, "reason" | "event">, end: AttemptEnd): Promise<boolean> {
    const now = this.d.clock.now();
    const backoffMs = Math.min(this.s.backoffSeconds * 2 ** (job.attempt - 1), this.s.maxBackoffSeconds) * 1000;
    const retryAt = new Date(now.getTime() + backoffMs);
    const why = outcome.reason ?? "failed";
    const message = `Attempt ${job.attempt} of ${job.retries + 1} failed (${why}); attempt ${job.attempt + 1} starts after ${formatInstant(retryAt)}`;
    await this.d.store.events.append(job.id, outcome.event);
    const next = await this.d.store.jobs.transition(job.id, [job.state], "queued", {
      attempt: job.attempt + 1, retryAt, reason: message, exitCode: null, startedAt: null, finishedAt: null, runHandle: null,
    }, ev.retrying(now, message));
    if (!next) return false;
    await this.d.store.jobs.recordAttempt(job.id, { attempt: job.attempt, startedAt: end.startedAt, finishedAt: end.finishedAt, exitCode: end.exitCode, reason: why });
    this.d.deadlines.clear(job.id);
    this.d.marks.forget(job.id);
    // The engine's copy goes first: the next attempt's run has the same name.
    await this.d.finisher.releaseEngineSide(job);
    this.d.dirs.archiveLog(job.id, job.attempt);
    this.d.ledger.release(job.id);
    this.d.notifier.changed(next);
    this.d.log.info({ jobId: job.id, attempt: job.attempt, retryAt }, "attempt failed; retrying");
    this.d.retry(next);
    return true;
  }
}
