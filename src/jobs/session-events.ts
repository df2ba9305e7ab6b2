import type { JobEvent } from "../domain/job-event.js";
import type { Principal } from "../identity/principal.js";
import { findOwnSession } from "./find-session.js";
import type { JobServiceDeps } from "./job-service-deps.js";

/**
 * What happened to a session: a `Queued` row from its submission, the events stored on
 * its way, and while it waits, a `Waiting` row saying why in numbers. Never a 404 for
 * a session that has simply not started.
 */
export async function sessionEvents(deps: Pick<JobServiceDeps, "store" | "runtime" | "clock">, principal: Principal, id: string): Promise<JobEvent[]> {
  const job = await findOwnSession(deps, principal, id);
  const stored = await deps.store.events.list(job.id);
  const queued: JobEvent = { type: "Normal", reason: "Queued", message: `Session queued by ${job.owner.username}`, firstAt: job.createdAt, lastAt: job.createdAt, count: 1 };
  const events = [queued, ...stored];
  const waiting = job.state === "queued" ? deps.runtime.pendingReason(job.id) ?? job.reason : undefined;
  if (waiting) {
    const since = stored.at(-1)?.lastAt ?? job.createdAt;
    events.push({ type: "Normal", reason: "Waiting", message: waiting, firstAt: since, lastAt: deps.clock.now(), count: 1 });
  }
  return events;
}
