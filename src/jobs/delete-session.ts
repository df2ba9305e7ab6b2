import type { Job } from "../domain/job.js";
import type { Principal } from "../identity/principal.js";
import { findOwnSession } from "./find-session.js";
import type { JobServiceDeps } from "./job-service-deps.js";

/**
 * `DELETE /session/{id}`: a queued session ends at once; a running one goes
 * Terminating while its container is stopped and removed. Deleting again is harmless.
 */
export async function deleteSession(deps: Pick<JobServiceDeps, "store" | "scheduling">, principal: Principal, id: string): Promise<Job> {
  const job = await findOwnSession(deps, principal, id, { allowAdmin: true });
  return deps.scheduling.cancel(job);
}
