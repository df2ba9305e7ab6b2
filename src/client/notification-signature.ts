import { createHmac, timingSafeEqual } from "node:crypto";

export interface VerifyOptions {
  /** Reject signatures older (or newer) than this, in seconds, to stop replays. @defaultValue 300 */
  readonly toleranceSeconds?: number;
  /** The current time. @defaultValue now */
  readonly now?: Date;
}

/**
 * Checks a completion notification's `x-skyrun-signature` header against the raw
 * body (exactly the bytes received, before any JSON parsing) and your key from
 * `notificationKey()`. True only when a `v1` signature matches and its time is within
 * the tolerance. Never throws on a malformed header: it is simply not valid.
 */
export function verifyNotificationSignature(body: string | Uint8Array, header: string | null | undefined, key: string, o: VerifyOptions = {}): boolean {
  if (!header) return false;
  const parts = header.split(",").map((p) => p.trim());
  const t = parts.find((p) => p.startsWith("t="))?.slice(2);
  if (t === undefined || !/^\d{1,12}$/.test(t)) return false;
  const now = Math.floor((o.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - Number(t)) > (o.toleranceSeconds ?? 300)) return false;
  const text = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
  const expected = createHmac("sha256", Buffer.from(key, "utf8")).update(`${t}.`, "utf8").update(text).digest();
  return parts.filter((p) => p.startsWith("v1=")).some((p) => {
    const given = Buffer.from(p.slice(3), "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
