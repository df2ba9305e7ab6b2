import { describe, expect, it } from "vitest";
import { deriveNotificationKey, signNotification } from "./notification-signature.js";
import { verifyNotificationSignature } from "../client/notification-signature.js";

const secret = Buffer.alloc(32, 7);
const key = deriveNotificationKey(secret, "alice");
const body = '{"event":"session.ended","deliveryId":"d1"}';
const now = new Date(1_800_000_000_000);
const t = 1_800_000_000;

describe("notification signatures (issue 12)", () => {
  it("gives each user their own stable key", () => {
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(deriveNotificationKey(secret, "alice")).toBe(key);
    expect(deriveNotificationKey(secret, "bob")).not.toBe(key);
    expect(deriveNotificationKey(Buffer.alloc(32, 8), "alice")).not.toBe(key);
  });

  it("verifies what the server signs, and nothing altered, late or signed with another key", () => {
    const header = signNotification(key, t, body);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifyNotificationSignature(body, header, key, { now })).toBe(true);
    expect(verifyNotificationSignature(Buffer.from(body), header, key, { now })).toBe(true);
    expect(verifyNotificationSignature(body.replace("d1", "d2"), header, key, { now })).toBe(false);
    expect(verifyNotificationSignature(body, header, deriveNotificationKey(secret, "bob"), { now })).toBe(false);
    expect(verifyNotificationSignature(body, header, key, { now: new Date(now.getTime() + 301_000) })).toBe(false);
    expect(verifyNotificationSignature(body, header.replace("t=1800000000", "t=1800000001"), key, { now })).toBe(false);
    for (const bad of [undefined, null, "", "v1=00", "t=x,v1=00", `t=${t}`, `t=${t},v1=zz`]) expect(verifyNotificationSignature(body, bad, key, { now })).toBe(false);
  });
});
