import type { Job } from "../domain/job.js";
import { formatInstant, statusOf, type ApiVersion, type SessionUsage } from "../domain/session-view.js";
import type { Principal } from "../identity/principal.js";
import { findOwnSession } from "./find-session.js";
import type { JobServiceDeps } from "./job-service-deps.js";

/**
 * Live usage of a running session, or undefined when it is not running or could not be
 * read. One session's answer waits for its reading (within the engine call's limit),
 * unlike a listing. Never throws.
 */
export async function liveUsage(deps: Pick<JobServiceDeps, "usage">, job: Job): Promise<SessionUsage | undefined> {
  return (await deps.usage.read([job], { maxWaitMs: deps.usage.engineTimeoutMs })).get(job.id);
}

/**
 * `GET /session/{id}/stats` (our extension, which the seed pages call): what the
 * session asked for and, while it runs, what it uses, from the engine.
 */
export async function sessionStats(deps: Pick<JobServiceDeps, "store" | "usage">, principal: Principal, id: string, version: ApiVersion): Promise<Record<string, unknown>> {
  const job = await findOwnSession(deps, principal, id);
  const usage = await liveUsage(deps, job);
  const r = job.resources;
  return {
    id: job.id,
    status: statusOf(job.state, version),
    ...(job.startedAt ? { startTime: formatInstant(job.startedAt) } : {}),
    cpuCoresInUse: usage ? Number(usage.cpuCores.toFixed(3)) : 0,
    ramInUseGB: usage ? Number((usage.ramBytes / 1e9).toFixed(3)) : 0,
    ramInUseBytes: usage?.ramBytes ?? 0,
    requestedCPUCores: r.coresRequest,
    limitCPUCores: r.coresLimit,
    requestedRAMGB: r.ramRequestGB,
    limitRAMGB: r.ramLimitGB,
    requestedGPUs: r.gpus,
    isFixedResources: r.fixed,
  };
}
