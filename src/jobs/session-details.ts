import type { Job } from "../domain/job.js";
import type { SessionUsage } from "../domain/session-usage.js";
import type { WaitExplanation } from "../domain/wait-explanation.js";
import type { Principal } from "../identity/principal.js";
import type { OutboxEntry } from "../store/notification-store.js";
import type { AttemptRecord } from "../store/store.js";
import { findOwnSession } from "./find-session.js";
import type { JobServiceDeps } from "./job-service-deps.js";
import { liveUsage } from "./session-usage.js";

export type { AttemptRecord, OutboxEntry };

/** Everything `GET /session/{id}` shows of one session. */
export interface SessionDetails {
  readonly job: Job;
  readonly usage: SessionUsage | undefined;
  readonly waiting: WaitExplanation | undefined;
  /** Its ended attempts, when it was retried. */
  readonly attempts: readonly AttemptRecord[];
  /** The notification about it (or its set), once queued. */
  readonly notification: OutboxEntry | undefined;
}

/** One of the caller's sessions with its live usage, why it waits and its earlier attempts. */
export async function sessionDetails(deps: Pick<JobServiceDeps, "store" | "usage" | "scheduling">, principal: Principal, id: string): Promise<SessionDetails> {
  const job = await findOwnSession(deps, principal, id);
  const [usage, attempts, notification] = await Promise.all([
    liveUsage(deps, job),
    job.attempt > 1 ? deps.store.jobs.listAttempts(job.id) : [],
    job.notifyUrl === null ? undefined : deps.store.notifications.byKey(job.arrayId === null ? `session:${job.id}` : `set:${job.arrayId}`),
  ]);
  return { job, usage, waiting: deps.scheduling.explain(job), attempts, notification };
}
