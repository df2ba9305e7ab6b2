import type { TesExecutorLog, TesState, TesTaskLog } from "../contracts/tes-task.js";
import type { Job } from "../domain/job.js";
import type { RunnerReport } from "./log-markers.js";
import { SYSTEM_EXIT_CODE } from "./runner-script.js";

/** One executor's job and, once it ran, what its runner reported. */
export interface ExecutorRun {
  /** Undefined when the job is no longer kept (purged after the retention period). */
  readonly job: Job | undefined;
  readonly report?: RunnerReport | undefined;
}

/** Bytes of the command's output kept in an executor log's `stdout`: its tail. */
export const LOG_TAIL_BYTES = 16 * 1024;

const isSystemFailure = (run: ExecutorRun): boolean =>
  run.job?.state === "failed" && (run.job.exitCode === null || (run.job.exitCode === SYSTEM_EXIT_CODE && (run.report?.systemErrors.length ?? 0) > 0));

/**
 * The task's state from its executors' jobs, in order (a chain: each depends on the one
 * before). Pure. A job the user's cancel stopped makes it CANCELING, then CANCELED; the
 * first failure decides between SYSTEM_ERROR (staging, copying, the engine) and
 * EXECUTOR_ERROR (the command's exit code); later jobs fail only because it did.
 */
export function taskState(runs: readonly ExecutorRun[]): TesState {
  const jobs = runs.map((r) => r.job);
  if (jobs.some((j) => j === undefined)) return "UNKNOWN";
  const all = jobs as Job[];
  if (all.some((j) => j.state === "terminating")) return "CANCELING";
  if (all.some((j) => j.state === "cancelled")) return all.every((j) => ["succeeded", "failed", "cancelled"].includes(j.state)) ? "CANCELED" : "CANCELING";
  const failed = runs.find((r) => r.job!.state === "failed");
  if (failed) return isSystemFailure(failed) ? "SYSTEM_ERROR" : "EXECUTOR_ERROR";
  if (all.every((j) => j.state === "succeeded")) return "COMPLETE";
  if (all.some((j) => j.state === "running")) return "RUNNING";
  // Between two executors (one done, the next not yet started) the task is still running.
  if (all[0]!.state === "succeeded") return "RUNNING";
  return all[0]!.state === "starting" ? "INITIALIZING" : "QUEUED";
}

const iso = (d: Date | null | undefined): string | undefined => (d ? d.toISOString() : undefined);
const tail = (s: string): string => (s.length > LOG_TAIL_BYTES ? s.slice(s.length - LOG_TAIL_BYTES) : s);

/**
 * The task's log: one entry (skyrun does not retry a task), an executor log for each
 * executor that started, the outputs copied, and system logs that explain a
 * SYSTEM_ERROR. `full` adds stdout (the command's combined output, its tail) and the
 * system logs, as the FULL view asks.
 */
export function taskLog(runs: readonly ExecutorRun[], state: TesState, full: boolean): TesTaskLog | undefined {
  const begun = runs.filter((r) => r.job?.startedAt || (r.job && r.job.exitCode !== null));
  if (begun.length === 0 && state !== "SYSTEM_ERROR") return undefined;
  const logs: TesExecutorLog[] = begun.filter((r) => r.report?.started !== false || r.job?.exitCode === 0).map((r) => {
    const job = r.job!;
    const log: TesExecutorLog = { exit_code: r.report?.exitCode ?? job.exitCode ?? -1 };
    const start = iso(job.startedAt);
    const end = iso(job.finishedAt);
    if (start) log.start_time = start;
    if (end) log.end_time = end;
    if (full) {
      log.stdout = tail(r.report?.text ?? "");
      log.stderr = "";
    }
    return log;
  });
  const entry: TesTaskLog = { logs, outputs: runs.flatMap((r) => [...(r.report?.outputs ?? [])]) };
  const start = iso(runs[0]?.job?.startedAt);
  const end = iso(runs.at(-1)?.job?.finishedAt ?? runs.find((r) => r.job?.state === "failed" || r.job?.state === "cancelled")?.job?.finishedAt);
  if (start) entry.start_time = start;
  if (end && !["QUEUED", "INITIALIZING", "RUNNING"].includes(state)) entry.end_time = end;
  entry.metadata = { skyrun_sessions: runs.map((r) => r.job?.id ?? "").join(",") };
  if (full) {
    const system = runs.flatMap((r) => [...(r.report?.systemErrors ?? [])]);
    if (state === "SYSTEM_ERROR") {
      const failed = runs.find((r) => r.job?.state === "failed");
      if (failed?.job?.reason && system.length === 0) system.push(failed.job.reason);
    }
    if (runs.some((r) => r.job === undefined)) system.push("Some of this task's sessions are no longer kept (past the retention period).");
    entry.system_logs = system;
  }
  return entry;
}
