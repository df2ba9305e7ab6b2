import { deriveNotificationKey } from "../domain/notification-signature.js";

/**
 * Users' notification keys, derived from the server's secret (a 0600 file in the data
 * directory): nothing per user is stored, and replacing the secret changes every key.
 */
export function createNotificationKeys(serverSecret: Buffer): { keyFor(username: string): string } {
  return { keyFor: (username) => deriveNotificationKey(serverSecret, username) };
}
