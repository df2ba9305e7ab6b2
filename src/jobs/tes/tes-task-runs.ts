import type { TesTask } from "../../contracts/tes-task.js";
import { AppError } from "../../domain/errors.js";
import type { Job } from "../../domain/job.js";
import type { Principal } from "../../identity/principal.js";
import { readLogTail } from "../../storage/log-reader.js";
import type { TesTaskRecord } from "../../store/store.js";
import { parseRunnerLog } from "../../tes/log-markers.js";
import type { ExecutorRun } from "../../tes/task-state.js";
import type { JobServiceDeps } from "../job-service-deps.js";

/** Lines of a session's log read for its runner's reports and the output's tail. */
const LOG_LINES = 2000;

/** A task and its executors' sessions, as read now. */
export interface TaskSnapshot {
  readonly record: TesTaskRecord;
  readonly task: TesTask;
  readonly runs: readonly ExecutorRun[];
}

/**
 * The caller's task with this id. Another user's task is reported exactly like a
 * missing one (404), so ids cannot be probed.
 */
export async function findOwnTask(deps: Pick<JobServiceDeps, "store">, principal: Principal, id: string): Promise<TesTaskRecord> {
  const record = id.length <= 64 ? await deps.store.tesTasks.get(id) : undefined;
  if (!record || record.owner !== principal.user.name) throw new AppError("NOT_FOUND", `task ${id} not found`);
  return record;
}

/** The sessions of each task, in one read, in executor order. */
async function jobsOf(deps: Pick<JobServiceDeps, "store">, records: readonly TesTaskRecord[]): Promise<Map<string, Job>> {
  const jobs = await deps.store.jobs.getMany(records.flatMap((r) => r.jobIds));
  return new Map(jobs.map((j) => [j.id, j]));
}

async function reportOf(deps: Pick<JobServiceDeps, "layout" | "logFormat">, job: Job | undefined) {
  if (!job || (job.startedAt === null && job.exitCode === null)) return undefined;
  // The log is skyrun's own file (the engine writes it), never a path the user chose.
  const log = await readLogTail(deps.layout.logPath(job.id), deps.logFormat, LOG_LINES).catch(() => "");
  return parseRunnerLog(log);
}

/** Snapshots of tasks; `withLogs` reads each started session's log (the BASIC and FULL views). */
export async function snapshotTasks(deps: Pick<JobServiceDeps, "store" | "layout" | "logFormat">, records: readonly TesTaskRecord[], withLogs: boolean): Promise<TaskSnapshot[]> {
  const jobs = await jobsOf(deps, records);
  return Promise.all(records.map(async (record) => {
    const runs = await Promise.all(record.jobIds.map(async (id) => {
      const job = jobs.get(id);
      return { job, report: withLogs ? await reportOf(deps, job) : undefined };
    }));
    return { record, task: JSON.parse(record.document) as TesTask, runs };
  }));
}
