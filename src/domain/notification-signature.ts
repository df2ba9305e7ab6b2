import { createHmac } from "node:crypto";

/**
 * Signing of completion notifications (issue 12). Each user has their own key, derived
 * from the server's secret and their name, so no key is ever stored (the database holds
 * none) and one user's key tells nothing of another's. The scheme is Stripe's: the
 * receiver recomputes HMAC-SHA256 over `<t>.<body>` and rejects old timestamps, which
 * stops replays of a captured message.
 */

/** Separates this use of the server secret from any other. */
const KEY_CONTEXT = "skyrun notification key v1\u0000";

/** A user's notification key: 64 hex characters. The same for the same secret and name, always. */
export function deriveNotificationKey(serverSecret: Buffer, username: string): string {
  return createHmac("sha256", serverSecret).update(KEY_CONTEXT + username, "utf8").digest("hex");
}

/**
 * The `x-skyrun-signature` header value for `body` sent at `unixSeconds`. The key is
 * used as text (its UTF-8 bytes), so `openssl dgst -sha256 -hmac "$KEY"` checks it.
 */
export function signNotification(key: string, unixSeconds: number, body: string): string {
  const mac = createHmac("sha256", Buffer.from(key, "utf8")).update(`${unixSeconds}.${body}`, "utf8").digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}
