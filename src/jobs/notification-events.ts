import type { JobId } from "../domain/ids.js";
import type { NewJobEvent } from "../domain/job-event.js";
import type { OutboxEntry } from "../store/notification-store.js";
import type { JobServiceDeps } from "./job-service-deps.js";

/** How a notification ended, as the dispatcher reports it. */
export interface NotificationOutcome {
  readonly state: "delivered" | "failed";
  readonly attempts: number;
  readonly status: number | null;
  readonly error: string | null;
  readonly at: Date;
}

const times = (n: number): string => (n === 1 ? "1 attempt" : `${n} attempts`);

/** The event a settled notification leaves on its sessions: `Normal Notified` or `Warning NotificationFailed`. */
export function notificationEvent(e: Pick<OutboxEntry, "url" | "event">, o: NotificationOutcome): NewJobEvent {
  return o.state === "delivered"
    ? { type: "Normal", reason: "Notified", message: `POSTed ${e.event} to ${e.url}: HTTP ${o.status ?? "?"} after ${times(o.attempts)}`, at: o.at }
    : { type: "Warning", reason: "NotificationFailed", message: `Gave up POSTing ${e.event} to ${e.url} after ${times(o.attempts)}: ${o.error ?? "no answer"}`, at: o.at };
}

/**
 * Records a settled notification in the events of the session it was about, or of every
 * session of the set (still retained): where a user looking at a session sees that its
 * receiver was told, or why not.
 */
export async function recordNotificationEvent(deps: Pick<JobServiceDeps, "store">, entry: OutboxEntry, o: NotificationOutcome): Promise<void> {
  const event = notificationEvent(entry, o);
  const [kind, id] = [entry.dedupKey.slice(0, entry.dedupKey.indexOf(":")), entry.dedupKey.slice(entry.dedupKey.indexOf(":") + 1)];
  const ids: JobId[] = kind === "session" ? [id as JobId]
    : (await deps.store.jobs.list({ owner: entry.owner, arrayId: id })).map((j) => j.id);
  for (const jobId of ids) await deps.store.events.append(jobId, event);
}
