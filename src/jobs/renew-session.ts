import { invalid } from "../domain/errors.js";
import type { Job } from "../domain/job.js";
import type { Principal } from "../identity/principal.js";
import { findOwnSession } from "./find-session.js";
import type { JobServiceDeps } from "./job-service-deps.js";

/**
 * `POST /session/{id}?action=renew`, as the platform computes it: the deadline becomes
 * time used + the renewal period, only when that moves it later. A new 14-day job is
 * therefore unchanged until fewer than 4 days remain.
 */
export async function renewSession(deps: Pick<JobServiceDeps, "store" | "scheduling" | "clock" | "sessions">, principal: Principal, id: string): Promise<Job> {
  const job = await findOwnSession(deps, principal, id);
  if (job.state !== "running" || !job.startedAt) {
    throw invalid(`No active job for user ${principal.user.name} with session ${id}: only a running session can be renewed.`, { parameter: "action" });
  }
  const now = deps.clock.now();
  const usedSeconds = Math.floor((now.getTime() - job.startedAt.getTime()) / 1000);
  const remaining = job.deadlineSeconds - usedSeconds;
  if (deps.sessions.renewSeconds <= remaining) return job;
  return deps.scheduling.renew(job, usedSeconds + deps.sessions.renewSeconds);
}
