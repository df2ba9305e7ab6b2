import type { JobEvent } from "../domain/job-event.js";
import type { Job } from "../domain/job.js";
import type { WaitExplanation } from "../domain/wait-explanation.js";
import type { Principal } from "../identity/principal.js";
import { findOwnSession } from "./find-session.js";
import type { JobServiceDeps } from "./job-service-deps.js";

/** What happened to a session, and while it waits, why. */
export interface SessionHistory {
  readonly job: Job;
  /** The events stored on its way, oldest first. */
  readonly events: readonly JobEvent[];
  /** Why it has not started, as the scheduler decided; undefined once it has (or when only `job.reason` knows). */
  readonly waiting: WaitExplanation | undefined;
}

/** `?view=events`: the stored events and the current wait. Never a 404 for a session that has simply not started. */
export async function sessionEvents(deps: Pick<JobServiceDeps, "store" | "scheduling">, principal: Principal, id: string): Promise<SessionHistory> {
  const job = await findOwnSession(deps, principal, id);
  return { job, events: await deps.store.events.list(job.id), waiting: deps.scheduling.explain(job) };
}
