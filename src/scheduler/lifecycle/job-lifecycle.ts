import type { JobId } from "../../domain/ids.js";
import type { Job } from "../../domain/job.js";
import type { RunEvent } from "../../executors/executor.js";
import { AttemptRetries } from "./attempt-retries.js";
import { DeadlineTimers } from "./deadline-timers.js";
import { JobDeletion } from "./job-deletion.js";
import { JobFinisher } from "./job-finisher.js";
import { Launcher } from "./launcher.js";
import { LogLimits } from "./log-limits.js";
import type { LifecycleDeps, LifecycleSettings } from "./lifecycle-deps.js";
import { RunExits } from "./run-exits.js";
import { RunMarks } from "./run-marks.js";
import { RunPreparations } from "./run-preparations.js";
import { RunReconciler } from "./run-reconciler.js";
import { RunStopper } from "./run-stopper.js";
import { SessionOutput } from "./session-output.js";

/**
 * Drives runs through their states: launch, started, exited, deadline, deletion, and
 * recovery after a restart. Every change is a compare-and-set in the store, so the
 * engine's events, the launcher and the reconciler may race without harm.
 */
export interface JobLifecycle {
  /** Starts an admitted job (its demand is already held). */
  launch(jobId: JobId): Promise<void>;
  /** Creates a queued job's run ahead of its start; best effort. */
  prepare(jobId: JobId): Promise<void>;
  handleRunEvent(event: RunEvent): Promise<void>;
  /** Deletes a job; a queued one must already be out of the scheduler's queue. */
  delete(job: Job): Promise<Job>;
  /** Fails a queued job that can never run (a dependency failed or was deleted). */
  failQueued(jobId: JobId, message: string): Promise<void>;
  /** Re-arms the deadline of a job whose deadline changed. */
  armDeadline(job: Job): void;
  /** After a restart: holds capacity for live runs. */
  recover(): Promise<void>;
  /** Settles live jobs against the engine's view. */
  reconcile(): Promise<void>;
  /** Stops runs whose logs passed the per-job cap. */
  checkLogs(): Promise<void>;
  close(): void;
}

/** Wires the lifecycle's parts; each has one purpose (see lifecycle/). */
export function createJobLifecycle(d: LifecycleDeps, s: LifecycleSettings): JobLifecycle {
  const marks = new RunMarks();
  const preparations = new RunPreparations();
  const deadlines = new DeadlineTimers({ ...d, marks });
  const logLimits = new LogLimits({ ...d, marks }, s);
  const finisher = new JobFinisher({ ...d, deadlines, marks, preparations, logLimits, output: new SessionOutput(d) }, s);
  const retries = new AttemptRetries({ ...d, deadlines, marks, finisher }, { backoffSeconds: s.retryBackoffSeconds, maxBackoffSeconds: s.retryMaxBackoffSeconds });
  const exits = new RunExits({ ...d, deadlines, marks, finisher, retries });
  const stopper = new RunStopper({ ...d, marks, exits, finisher });
  const launcher = new Launcher({ ...d, deadlines, marks, preparations, finisher, stopper });
  const deletion = new JobDeletion({ ...d, finisher, stopper });
  const reconciler = new RunReconciler({ ...d, deadlines, marks, exits, launcher, stopper, finisher, retries });
  return {
    launch: (id) => launcher.launch(id),
    prepare: (id) => launcher.prepare(id),
    handleRunEvent: (e) => exits.handle(e),
    delete: (job) => deletion.delete(job),
    failQueued: (id, message) => finisher.failQueued(id, message),
    armDeadline: (job) => deadlines.arm(job),
    recover: () => reconciler.recover(),
    reconcile: () => reconciler.reconcile(),
    checkLogs: () => logLimits.check(),
    close: () => deadlines.close(),
  };
}
