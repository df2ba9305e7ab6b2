import type { NewJobEvent } from "./job-event.js";

/** The events skyrun records on a job's way through its life, in kubectl's words. */
export const lifecycleEvents = {
  started: (at: Date): NewJobEvent => ({ type: "Normal", reason: "Started", message: "Started container", at }),
  completed: (at: Date): NewJobEvent => ({ type: "Normal", reason: "Completed", message: "Container exited with code 0", at }),
  failed: (at: Date, exitCode: number): NewJobEvent => ({ type: "Warning", reason: "Failed", message: `Container exited with code ${exitCode}`, at }),
  oomKilled: (at: Date, message: string): NewJobEvent => ({ type: "Warning", reason: "OOMKilled", message, at }),
  deadlineExceeded: (at: Date, deadlineSeconds: number): NewJobEvent => ({
    type: "Warning", reason: "DeadlineExceeded", message: `Session was active longer than its deadline of ${deadlineSeconds}s and was stopped`, at,
  }),
  /** The engine ended the run (Slurm: NODE_FAIL, CANCELLED by an administrator, …); the message says why. */
  endedByEngine: (at: Date, reason: string): NewJobEvent => ({ type: "Warning", reason: reason.split(":")[0] || "Failed", message: reason, at }),
  launchFailed: (at: Date, message: string): NewJobEvent => ({ type: "Warning", reason: "Failed", message, at }),
  requeued: (at: Date, message: string): NewJobEvent => ({ type: "Warning", reason: "BackOff", message, at }),
  killing: (at: Date, graceSeconds: number): NewJobEvent => ({
    type: "Normal", reason: "Killing", message: `Stopping container (SIGTERM, then SIGKILL after ${graceSeconds}s)`, at,
  }),
  deleted: (at: Date, message: string): NewJobEvent => ({ type: "Normal", reason: "Deleted", message, at }),
  vanished: (at: Date, message: string): NewJobEvent => ({ type: "Warning", reason: "Lost", message, at }),
  renewed: (at: Date, message: string): NewJobEvent => ({ type: "Normal", reason: "Renewed", message, at }),
  logLimitExceeded: (at: Date, maxLogMiB: number): NewJobEvent => ({
    type: "Warning", reason: "LogLimitExceeded", message: `Output passed the log limit of ${maxLogMiB} MiB; stopping the container`, at,
  }),
  outputNotWritten: (at: Date, message: string): NewJobEvent => ({ type: "Warning", reason: "OutputNotWritten", message, at }),
  retrying: (at: Date, message: string): NewJobEvent => ({ type: "Normal", reason: "Retrying", message, at }),
  dependencyFailed: (at: Date, message: string): NewJobEvent => ({ type: "Warning", reason: "DependencyFailed", message, at }),
};
