import { formatInstant } from "../../contracts/instant.js";
import { DELIVERY_HEADER, SIGNATURE_HEADER, type NotificationDeliveryJson, type NotificationKeyJson } from "../../contracts/notification.js";
import type { OutboxEntry } from "../../store/notification-store.js";

/** `GET /notifications/key`. */
export const toNotificationKeyJson = (key: string): NotificationKeyJson => ({
  key, algorithm: "HMAC-SHA256", signatureHeader: SIGNATURE_HEADER, deliveryHeader: DELIVERY_HEADER, signedPayload: "<t>.<body>",
});

/** One element of `GET /notifications`. */
export function toNotificationDeliveryJson(e: OutboxEntry): NotificationDeliveryJson {
  return {
    id: e.id,
    event: e.event,
    subject: e.dedupKey,
    url: e.url,
    state: e.state,
    attempts: e.attempts,
    createdTime: formatInstant(e.createdAt),
    ...(e.state === "pending" ? { nextAttemptTime: formatInstant(e.nextAttemptAt) } : {}),
    ...(e.lastAttemptAt ? { lastAttemptTime: formatInstant(e.lastAttemptAt) } : {}),
    ...(e.lastStatus !== null ? { lastStatus: e.lastStatus } : {}),
    ...(e.lastError !== null ? { lastError: e.lastError } : {}),
    ...(e.deliveredAt ? { deliveredTime: formatInstant(e.deliveredAt) } : {}),
  };
}
