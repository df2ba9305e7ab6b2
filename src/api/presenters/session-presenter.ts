import type { ApiVersion } from "../../contracts/api-version.js";
import { formatInstant } from "../../contracts/instant.js";
import type { AttemptJson, CreatedSessionJson, PublicSessionJson, SessionJson } from "../../contracts/session.js";
import { expiryOf, type Job } from "../../domain/job.js";
import type { SessionUsage } from "../../domain/session-usage.js";
import type { WaitExplanation } from "../../domain/wait-explanation.js";
import type { AttemptRecord } from "../../jobs/session-details.js";
import { stateSinceOf, toSessionRequestJson } from "./session-request.js";
import { statusOf } from "./session-status.js";
import { describeWait } from "./wait-presenter.js";
import { toWaitingJson } from "./waiting-json.js";

/** Formats a number of cores as the platform does: "2" for whole cores, "1.500" otherwise. */
export const formatCores = (cores: number): string => (Number.isInteger(cores) ? String(cores) : cores.toFixed(3));
/** GiB to the platform's decimal-GB string ("4Gi" → "4.29"). */
export const formatGiB = (gib: number): string => ((gib * 1024 ** 3) / 1e9).toFixed(2);

export interface SessionJsonOptions {
  readonly usage?: SessionUsage | undefined;
  /** Why a pending job waits, as the scheduler decided: its words replace the stored reason while it waits. */
  readonly waiting?: WaitExplanation | undefined;
  /** The ended attempts, for a session shown by itself. */
  readonly attempts?: readonly AttemptRecord[] | undefined;
}

/** skyrun's batch fields, each only when it applies. */
function batchFields(job: Job): Partial<SessionJson> {
  const throttleLabel = job.throttle?.key.startsWith("label:") ? job.throttle.key.slice(job.throttle.key.indexOf(":", 6) + 1).split("=")[0] : undefined;
  return {
    ...(Object.keys(job.labels).length > 0 ? { labels: { ...job.labels } } : {}),
    ...(job.arrayId !== null ? { setId: job.arrayId } : {}),
    ...(job.retries > 0 || job.attempt > 1 ? { attempt: job.attempt, retries: job.retries } : {}),
    ...(job.throttle ? { maxRunning: job.throttle.max, ...(throttleLabel ? { maxRunningLabel: throttleLabel } : {}) } : {}),
    walltime: job.deadlineSeconds,
    ...(job.workdir !== null ? { workdir: job.workdir } : {}),
    ...(job.stdoutPath !== null ? { stdout: job.stdoutPath } : {}),
    ...(job.stderrPath !== null ? { stderr: job.stderrPath } : {}),
    ...(job.diskGB > 0 ? { disk: job.diskGB } : {}),
    ...(job.notifyUrl !== null ? { notify: job.notifyUrl } : {}),
  };
}

/** The ended attempts, then the current one. */
function attemptsJson(job: Job, version: ApiVersion, ended: readonly AttemptRecord[]): AttemptJson[] {
  const past = ended.map((a): AttemptJson => ({
    attempt: a.attempt,
    status: "Failed",
    ...(a.startedAt ? { startTime: formatInstant(a.startedAt) } : {}),
    endTime: formatInstant(a.finishedAt),
    ...(a.exitCode !== null ? { exitCode: a.exitCode } : {}),
    ...(a.reason ? { statusMessage: a.reason } : {}),
  }));
  const current: AttemptJson = {
    attempt: job.attempt,
    status: statusOf(job.state, version),
    ...(job.startedAt ? { startTime: formatInstant(job.startedAt) } : {}),
    ...(job.finishedAt ? { endTime: formatInstant(job.finishedAt) } : {}),
    ...(job.exitCode !== null ? { exitCode: job.exitCode } : {}),
  };
  return [...past, current];
}

/**
 * A job as the platform's session JSON (reference §4): the platform's fields in its
 * order, nulls omitted, then skyrun's additive extensions (`phase`, `exitCode`,
 * `endTime`, `createdTime`, `statusMessage`, replica and dependency fields).
 */
export function toSessionJson(job: Job, version: ApiVersion, options: SessionJsonOptions = {}): SessionJson {
  const status = statusOf(job.state, version);
  const expiry = expiryOf(job);
  const r = job.resources;
  const usage = options.usage && job.state === "running" ? options.usage : undefined;
  const message = (options.waiting ? describeWait(options.waiting) : undefined) ?? job.reason;
  return {
    id: job.id,
    userid: job.owner.username,
    runAsUID: String(job.owner.uid),
    runAsGID: String(job.owner.gid),
    supplementalGroups: [...job.owner.groups],
    image: job.image,
    type: job.type,
    status,
    name: job.name,
    ...(job.startedAt ? { startTime: formatInstant(job.startedAt) } : {}),
    ...(expiry ? { expiryTime: formatInstant(expiry) } : {}),
    connectURL: "",
    ...(r.fixed ? { requestedRAM: formatGiB(r.ramRequestGB), requestedCPUCores: formatCores(r.coresRequest) } : {}),
    requestedGPUCores: String(r.gpus),
    ...(usage ? { ramInUse: (usage.ramBytes / 1e9).toFixed(2), cpuCoresInUse: usage.cpuCores.toFixed(3) } : {}),
    isFixedResources: r.fixed,
    phase: status,
    ...(job.exitCode !== null ? { exitCode: job.exitCode } : {}),
    ...(job.finishedAt ? { endTime: formatInstant(job.finishedAt) } : {}),
    createdTime: formatInstant(job.createdAt),
    ...(message ? { statusMessage: message } : {}),
    ...(job.replicaIndex !== null ? { replicaId: job.replicaIndex, ...(job.replicaCount !== null ? { replicaCount: job.replicaCount } : {}) } : {}),
    ...(job.dependsOn.length > 0 ? { dependsOn: [...job.dependsOn] } : {}),
    ...batchFields(job),
    ...(options.attempts && options.attempts.length > 0 ? { attempts: attemptsJson(job, version, options.attempts) } : {}),
    ...(options.waiting ? { waiting: toWaitingJson(options.waiting) } : {}),
    updatedTime: formatInstant(job.updatedAt),
    stateSince: formatInstant(stateSinceOf(job, options.attempts)),
    request: toSessionRequestJson(job),
  };
}

/** `POST /session` with the JSON opt-in: the session plus its id under the name some seed pages read. */
export const toCreatedSessionJson = (job: Job, version: ApiVersion, options: SessionJsonOptions = {}): CreatedSessionJson => ({ ...toSessionJson(job, version, options), sessionId: job.id });

/** The limited public shape of `view=all` (reference §4.1 PublicSession). */
export function toPublicSessionJson(job: Job, version: ApiVersion): PublicSessionJson {
  return { userid: job.owner.username, type: job.type, status: statusOf(job.state, version), ...(job.startedAt ? { startTime: formatInstant(job.startedAt) } : {}) };
}
