import { invalid } from "../domain/errors.js";
import type { Readable } from "node:stream";
import { isTerminal, type Job } from "../domain/job.js";
import type { Principal } from "../identity/principal.js";
import { followLog, readLog } from "../storage/log-reader.js";
import { findOwnSession } from "./find-session.js";
import type { JobServiceDeps } from "./job-service-deps.js";

export interface LogsInput {
  readonly follow: boolean;
  readonly tail?: number | undefined;
  /** An ended attempt's log (1-based) instead of the current one. */
  readonly attempt?: number | undefined;
  /** Ends a follow when the client goes away. */
  readonly signal: AbortSignal;
}

/**
 * A session's complete stdout and stderr in order, from the log file the engine
 * writes (it outlives the container), streamed in bounded memory. With `follow`,
 * streams until the job ends.
 */
export async function sessionLogs(deps: Pick<JobServiceDeps, "store" | "layout" | "logFormat" | "scheduling">, principal: Principal, id: string, input: LogsInput): Promise<Readable> {
  const job = await findOwnSession(deps, principal, id);
  if (input.attempt !== undefined && (input.attempt < 1 || input.attempt > job.attempt)) {
    throw invalid(`Invalid value for 'attempt': ${input.attempt}. Session ${job.id} has had ${job.attempt} attempt${job.attempt > 1 ? "s" : ""}: allowed 1 to ${job.attempt}.`, { parameter: "attempt" });
  }
  if (input.attempt !== undefined && input.attempt < job.attempt) return readLog(deps.layout.attemptLogPath(job.id, input.attempt), deps.logFormat, { tail: input.tail });
  const path = deps.layout.logPath(job.id);
  const format = deps.logFormat;
  if (!input.follow) return readLog(path, format, { tail: input.tail });
  let current: Job = job;
  const unwatch = deps.scheduling.watch(job.id, (j) => { current = j; });
  // The job may have ended between our read and the watch: read once more.
  current = (await deps.store.jobs.get(job.id)) ?? current;
  const stream = followLog(path, format, { isFinished: () => isTerminal(current.state), signal: input.signal, tail: input.tail });
  stream.on("close", unwatch);
  return stream;
}
