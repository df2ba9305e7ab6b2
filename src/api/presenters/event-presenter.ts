import { formatInstant } from "../../contracts/instant.js";
import type { SessionEventJson } from "../../contracts/session-event.js";
import type { JobEvent } from "../../domain/job-event.js";
import type { SessionHistory } from "../../jobs/session-events.js";
import { describeWait } from "./wait-presenter.js";

/**
 * The rows `?view=events` shows: a `Queued` row from the submission, the stored events,
 * and while the session waits, a `Waiting` row saying why in numbers.
 */
export function historyRows(h: SessionHistory, now: Date): JobEvent[] {
  const { job, events } = h;
  const queued: JobEvent = { type: "Normal", reason: "Queued", message: `Session queued by ${job.owner.username}`, firstAt: job.createdAt, lastAt: job.createdAt, count: 1 };
  const rows = [queued, ...events];
  const waiting = job.state === "queued" ? (h.waiting ? describeWait(h.waiting) : job.reason) : undefined;
  if (waiting) {
    const since = events.at(-1)?.lastAt ?? job.createdAt;
    rows.push({ type: "Normal", reason: "Waiting", message: waiting, firstAt: since, lastAt: now, count: 1 });
  }
  return rows;
}

/** One event as the JSON opt-in and the event table show it. */
export const toEventJson = (e: JobEvent): SessionEventJson => ({
  type: e.type,
  reason: e.reason,
  message: e.message,
  firstTime: formatInstant(e.firstAt),
  lastTime: formatInstant(e.lastAt),
  count: e.count,
});
