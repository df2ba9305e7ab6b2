import { invalid } from "../domain/errors.js";
import { expiryOf, type Job } from "../domain/job.js";
import { formatInstant } from "../domain/session-view.js";
import { canExtendDeadline } from "../executors/executor.js";
import type { Principal } from "../identity/principal.js";
import { lifecycleEvents } from "../scheduler/lifecycle-events.js";
import { findOwnSession } from "./find-session.js";
import type { JobServiceDeps } from "./job-service-deps.js";

/**
 * `POST /session/{id}?action=renew`, as the platform computes it: the deadline becomes
 * time used + the renewal period, only when that moves it later. A new 14-day job is
 * therefore unchanged until fewer than 4 days remain.
 */
export async function renewSession(deps: Pick<JobServiceDeps, "store" | "runtime" | "executor" | "clock" | "sessions">, principal: Principal, id: string): Promise<Job> {
  const job = await findOwnSession(deps, principal, id);
  if (job.state !== "running" || !job.startedAt) {
    throw invalid(`No active job for user ${principal.user.name} with session ${id}: only a running session can be renewed.`, { parameter: "action" });
  }
  const now = deps.clock.now();
  const usedSeconds = Math.floor((now.getTime() - job.startedAt.getTime()) / 1000);
  const remaining = job.deadlineSeconds - usedSeconds;
  if (deps.sessions.renewSeconds <= remaining) return job;
  const deadlineSeconds = usedSeconds + deps.sessions.renewSeconds;
  const expiry = expiryOf({ startedAt: job.startedAt, deadlineSeconds });
  if (canExtendDeadline(deps.executor)) await deps.executor.extendDeadline({ jobId: job.id, handle: job.runHandle }, deadlineSeconds);
  const renewed = await deps.store.jobs.update(job.id, { deadlineSeconds }, lifecycleEvents.renewed(now, `Expiry extended to ${expiry ? formatInstant(expiry) : "?"}`));
  if (!renewed) return job;
  deps.runtime.deadlineChanged(renewed);
  return renewed;
}
