import { AppError } from "../domain/errors.js";
import { isJobId } from "../domain/ids.js";
import type { Job } from "../domain/job.js";
import type { Principal } from "../identity/principal.js";
import type { JobServiceDeps } from "./job-service-deps.js";

/**
 * The caller's session with this id. Another user's session is reported exactly like a
 * missing one (404), so ids cannot be probed.
 */
export async function findOwnSession(deps: Pick<JobServiceDeps, "store">, principal: Principal, id: string, options: { allowAdmin?: boolean } = {}): Promise<Job> {
  const job = isJobId(id) ? await deps.store.jobs.get(id) : undefined;
  if (!job || (job.owner.username !== principal.user.name && !(options.allowAdmin && principal.isAdmin))) {
    throw new AppError("JOB_NOT_FOUND", `session ${id} not found`);
  }
  return job;
}
