import { expiryOf, type Job, type JobState } from "./job.js";

/** The API version a request came in on: v0 says `Succeeded`, v1 `Completed`. */
export type ApiVersion = "v0" | "v1";

export type SessionStatus = "Pending" | "Running" | "Terminating" | "Succeeded" | "Completed" | "Failed";

/** The platform's status word for a job state. A deleted job reads `Failed`, its reason says why. */
export function statusOf(state: JobState, version: ApiVersion): SessionStatus {
  switch (state) {
    case "queued":
    case "starting":
      return "Pending";
    case "running":
      return "Running";
    case "terminating":
      return "Terminating";
    case "succeeded":
      return version === "v0" ? "Succeeded" : "Completed";
    case "failed":
    case "cancelled":
      return "Failed";
  }
}

/** The job states a `status=` filter value selects. `Succeeded` and `Completed` are synonyms on both versions. */
export function statesForStatus(status: string): readonly JobState[] | undefined {
  switch (status.trim().toLowerCase()) {
    case "pending": return ["queued", "starting"];
    case "running": return ["running"];
    case "terminating": return ["terminating"];
    case "succeeded":
    case "completed": return ["succeeded"];
    case "failed":
    case "error": return ["failed", "cancelled"];
    default: return undefined;
  }
}
export const STATUS_FILTER_VALUES = ["Pending", "Running", "Terminating", "Succeeded", "Completed", "Failed"];

/** Live usage of a running session, from the engine. */
export interface SessionUsage {
  readonly cpuCores: number;
  readonly ramBytes: number;
}

/** Formats a number of cores as the platform does: "2" for whole cores, "1.500" otherwise. */
export const formatCores = (cores: number): string => (Number.isInteger(cores) ? String(cores) : cores.toFixed(3));
/** GiB to the platform's decimal-GB string ("4Gi" → "4.29"). */
export const formatGiB = (gib: number): string => ((gib * 1024 ** 3) / 1e9).toFixed(2);
const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z");

export interface SessionJsonOptions {
  readonly usage?: SessionUsage | undefined;
  /** Why a pending job waits, from the scheduler; overrides the stored reason while pending. */
  readonly pendingReason?: string | undefined;
}

/**
 * A job as the platform's session JSON (reference §4): the platform's fields in its
 * order, nulls omitted, then our additive extensions (`phase`, `exitCode`,
 * `endTime`, `createdTime`, `statusMessage`, replica and dependency fields).
 */
export function toSessionJson(job: Job, version: ApiVersion, options: SessionJsonOptions = {}): Record<string, unknown> {
  const status = statusOf(job.state, version);
  const expiry = expiryOf(job);
  const r = job.resources;
  const out: Record<string, unknown> = {
    id: job.id,
    userid: job.owner.username,
    runAsUID: String(job.owner.uid),
    runAsGID: String(job.owner.gid),
    supplementalGroups: [...job.owner.groups],
    image: job.image,
    type: job.type,
    status,
    name: job.name,
  };
  if (job.startedAt) out.startTime = iso(job.startedAt);
  if (expiry) out.expiryTime = iso(expiry);
  out.connectURL = "";
  if (r.fixed) {
    out.requestedRAM = formatGiB(r.ramRequestGB);
    out.requestedCPUCores = formatCores(r.coresRequest);
  }
  out.requestedGPUCores = String(r.gpus);
  if (options.usage && job.state === "running") {
    out.ramInUse = (options.usage.ramBytes / 1e9).toFixed(2);
    out.cpuCoresInUse = options.usage.cpuCores.toFixed(3);
  }
  out.isFixedResources = r.fixed;
  out.phase = status;
  if (job.exitCode !== null) out.exitCode = job.exitCode;
  if (job.finishedAt) out.endTime = iso(job.finishedAt);
  out.createdTime = iso(job.createdAt);
  const message = (job.state === "queued" && options.pendingReason) || job.reason;
  if (message) out.statusMessage = message;
  if (job.replicaIndex !== null) {
    out.replicaId = job.replicaIndex;
    out.replicaCount = job.replicaCount;
  }
  if (job.dependsOn.length > 0) out.dependsOn = [...job.dependsOn];
  return out;
}

/** The limited public shape of `view=all` (reference §4.1 PublicSession). */
export function toPublicSessionJson(job: Job, version: ApiVersion): Record<string, unknown> {
  const out: Record<string, unknown> = { userid: job.owner.username, type: job.type, status: statusOf(job.state, version) };
  if (job.startedAt) out.startTime = iso(job.startedAt);
  return out;
}

export { iso as formatInstant };
