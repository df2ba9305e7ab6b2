import type { NewJobEvent } from "./job-event.js";
import { expiryOf, type Job, type JobState } from "./job.js";
import { lifecycleEvents as ev } from "./lifecycle-events.js";

/** How a run ended, as its engine reports it. */
export interface RunExit {
  readonly exitCode: number;
  /** The engine says the kernel killed it for its memory limit. */
  readonly oomKilled: boolean;
  readonly startedAt: Date | null;
  readonly at: Date;
  /** Why the engine ended the run, when it was not the program's doing (Slurm: TIMEOUT, NODE_FAIL, …). */
  readonly reason?: string | undefined;
}

/** What skyrun itself did to the run, which changes how an exit reads. */
export interface RunInterventions {
  /** skyrun stopped it (delete or deadline): a SIGKILL exit is then not an OOM kill. */
  readonly stoppedBySkyrun: boolean;
  /** skyrun stopped it because its deadline passed. */
  readonly deadlineKill: boolean;
  /** skyrun stopped it because its log passed the per-job cap. */
  readonly logLimitKill: boolean;
}

/** Why a run ended, in categories a retry policy can act on. */
export type OutcomeCause = "completed" | "deleted" | "deadline" | "log-limit" | "oom" | "engine" | "exit";

export interface RunOutcome {
  readonly to: Extract<JobState, "succeeded" | "failed" | "cancelled">;
  readonly cause: OutcomeCause;
  /** The job's reason (statusMessage); null for a success. */
  readonly reason: string | null;
  readonly event: NewJobEvent;
}

/**
 * Reads a run's end. Pure. In order of precedence:
 *   the job was being deleted            → cancelled
 *   exit code 0                          → succeeded
 *   stopped for its log size              → failed, LogLimitExceeded
 *   past its deadline (or stopped for it) → failed, DeadlineExceeded
 *   OOM-killed, or 137 not sent by skyrun → failed, OOMKilled
 *   the engine ended it with a reason     → failed, with the engine's reason
 *   otherwise                            → failed with the exit code
 */
export function classifyRunExit(
  job: Pick<Job, "state" | "startedAt" | "deadlineSeconds" | "resources">,
  exit: RunExit,
  done: RunInterventions,
): RunOutcome {
  const at = exit.at;
  if (job.state === "terminating") {
    // A negative exit code: the run never ran (Slurm cancelled it while it was queued there).
    const message = exit.exitCode < 0 ? "Session deleted before it started" : `Session deleted; container stopped (exit code ${exit.exitCode})`;
    return { to: "cancelled", cause: "deleted", reason: "Deleted by user", event: ev.deleted(at, message) };
  }
  if (exit.exitCode === 0) return { to: "succeeded", cause: "completed", reason: null, event: ev.completed(at) };
  if (done.logLimitKill) {
    const reason = "LogLimitExceeded: the session wrote more output than its log may hold and was stopped";
    return { to: "failed", cause: "log-limit", reason, event: ev.endedByEngine(at, reason) };
  }
  const expiry = expiryOf({ startedAt: job.startedAt ?? exit.startedAt, deadlineSeconds: job.deadlineSeconds });
  if (done.deadlineKill || (expiry && at >= expiry) || exit.reason?.startsWith("DeadlineExceeded")) {
    return { to: "failed", cause: "deadline", reason: `DeadlineExceeded: active longer than ${job.deadlineSeconds}s`, event: ev.deadlineExceeded(at, job.deadlineSeconds) };
  }
  if (exit.oomKilled || (exit.exitCode === 137 && !done.stoppedBySkyrun)) {
    const limit = `${job.resources.ramLimitGB} GiB`;
    const message = exit.oomKilled
      ? `Container was killed for exceeding its memory limit of ${limit}`
      : `Container was killed by SIGKILL (exit code 137), which here means it ran out of memory (limit ${limit})`;
    return { to: "failed", cause: "oom", reason: `OOMKilled: ${message}`, event: ev.oomKilled(at, message) };
  }
  if (exit.reason) return { to: "failed", cause: "engine", reason: exit.reason, event: ev.endedByEngine(at, exit.reason) };
  return { to: "failed", cause: "exit", reason: `Error: container exited with code ${exit.exitCode}`, event: ev.failed(at, exit.exitCode) };
}
