import { isTerminal } from "../../domain/job.js";
import type { Principal } from "../../identity/principal.js";
import type { JobServiceDeps } from "../job-service-deps.js";
import { findOwnTask } from "./tes-task-runs.js";

/**
 * `POST /tasks/{id}:cancel`: every session of the task not yet ended is cancelled, the
 * last first so none starts because the one before it ended. A finished task stays as
 * it is; cancelling again is harmless.
 */
export async function cancelTesTask(deps: Pick<JobServiceDeps, "store" | "scheduling">, principal: Principal, id: string): Promise<void> {
  const record = await findOwnTask(deps, principal, id);
  const jobs = await deps.store.jobs.getMany(record.jobIds);
  const byId = new Map(jobs.map((j) => [j.id, j]));
  for (const jobId of [...record.jobIds].reverse()) {
    const job = byId.get(jobId);
    if (job && !isTerminal(job.state)) await deps.scheduling.cancel(job);
  }
}
