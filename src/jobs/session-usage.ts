import type { Job } from "../domain/job.js";
import type { SessionUsage } from "../domain/session-usage.js";
import type { Principal } from "../identity/principal.js";
import type { UsageSample } from "../store/store.js";
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

/** A session and, while it runs, what it uses. */
export interface SessionStats {
  readonly job: Job;
  readonly usage: SessionUsage | undefined;
  /** The readings taken while it ran, oldest first, when asked for. */
  readonly history?: readonly UsageSample[];
}

/**
 * `GET /session/{id}/stats` (our extension, which the seed pages call): what the
 * session asked for and, while it runs, what it uses, from the engine.
 */
export async function sessionStats(deps: Pick<JobServiceDeps, "store" | "usage">, principal: Principal, id: string, o: { history?: boolean } = {}): Promise<SessionStats> {
  const job = await findOwnSession(deps, principal, id);
  const [usage, history] = await Promise.all([liveUsage(deps, job), o.history ? deps.store.jobs.listUsageSamples(job.id) : undefined]);
  return { job, usage, ...(history ? { history } : {}) };
}
