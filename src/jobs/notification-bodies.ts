import { randomUUID } from "node:crypto";
import { formatInstant } from "../contracts/instant.js";
import type { SessionEndedNotification, SetEndedNotification } from "../contracts/notification.js";
import type { Job } from "../domain/job.js";
import type { OutboxMessage, SetProgress } from "../store/accounting-store.js";

/** The delivery id receivers see in `x-skyrun-delivery`: random, fixed when the message is queued. */
const newDeliveryId = (): string => `ntf-${randomUUID()}`;

/** A replica's `name-N` without its `-N`: the name the set was created with. */
const setName = (first: string | null): string => (first ?? "set").replace(/-\d+$/, "");

/** The message for a session that ended on its own (it is in no set). */
export function sessionEndedMessage(job: Job, url: string, now: Date): OutboxMessage {
  const id = newDeliveryId();
  const outcome = job.state === "succeeded" ? "succeeded" : job.state === "failed" ? "failed" : "cancelled";
  const body: SessionEndedNotification = {
    event: "session.ended",
    deliveryId: id,
    session: {
      id: job.id,
      name: job.name,
      userid: job.owner.username,
      image: job.image,
      status: outcome === "succeeded" ? "Completed" : "Failed",
      outcome,
      ...(job.exitCode !== null ? { exitCode: job.exitCode } : {}),
      ...(job.reason ? { statusMessage: job.reason } : {}),
      createdTime: formatInstant(job.createdAt),
      ...(job.startedAt ? { startTime: formatInstant(job.startedAt) } : {}),
      endTime: formatInstant(job.finishedAt ?? now),
      attempts: job.attempt,
      labels: job.labels,
    },
  };
  return { id, dedupKey: `session:${job.id}`, owner: job.owner.username, url, event: body.event, body: JSON.stringify(body), createdAt: now };
}

/** The message for a set whose every session has ended, with its counts. */
export function setEndedMessage(setId: string, owner: string, url: string, p: SetProgress, now: Date): OutboxMessage {
  const id = newDeliveryId();
  const body: SetEndedNotification = {
    event: "set.ended",
    deliveryId: id,
    set: {
      id: setId,
      name: setName(p.firstName),
      userid: owner,
      total: p.total,
      succeeded: p.succeeded,
      failed: p.failed,
      cancelled: p.cancelled,
      createdTime: formatInstant(p.firstCreatedAt ?? now),
      endTime: formatInstant(p.lastFinishedAt ?? now),
    },
  };
  return { id, dedupKey: `set:${setId}`, owner, url, event: body.event, body: JSON.stringify(body), createdAt: now };
}
