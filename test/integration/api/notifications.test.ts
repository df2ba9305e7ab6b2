import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyNotificationSignature } from "../../../src/client/notification-signature.js";
import type { NotificationDeliveryJson, NotificationKeyJson, SessionEndedNotification, SetEndedNotification } from "../../../src/contracts/notification.js";
import { request, waitUntil } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.js";

// Issue 12, item 4: one signed POST when a session (or a whole set) ends, retried with back-off, only to allowed URLs.
let receiver: WebhookReceiver;
let elsewhere: WebhookReceiver;
let t: TestServer;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  elsewhere = await startWebhookReceiver();
  t = await startTestServer({
    overrides: {
      notifications: { allowedUrls: [`${receiver.url}/hook`], maxAttempts: 3, backoffSeconds: 0.2, maxBackoffSeconds: 1, requestTimeoutSeconds: 1 },
    },
  });
  alice = await t.addUser("alice");
  bob = await t.addUser("bob");
});
afterAll(async () => {
  await t.close();
  await receiver.close();
  await elsewhere.close();
});

async function create(user: TestUser, form: Record<string, string>): Promise<string[]> {
  const r = await request("POST", `${t.base("v1")}/session`, { token: user.token, form: { name: "n", image: DEMO_IMAGE, cores: "1", ram: "1", ...form } });
  expect(r.status, r.text).toBe(200);
  return r.text.trim().split("\n");
}
const keyOf = async (user: TestUser) => (await request("GET", `${t.base("v1")}/notifications/key`, { token: user.token })).json<NotificationKeyJson>();
const deliveries = async (user: TestUser) => (await request("GET", `${t.base("v1")}/notifications`, { token: user.token })).json<NotificationDeliveryJson[]>();
const delivery = (user: TestUser, subject: string, state: string) => waitUntil(`notification of ${subject} to be ${state}`, async () => (await deliveries(user)).find((d) => d.subject === subject && d.state === state), 60_000);

describe("completion notifications (issue 12)", { timeout: 120_000 }, () => {
  it("posts one signed message when a session ends, which the SDK's verifier and the documented openssl command accept (issue 12)", async () => {
    const [id] = await create(alice, { cmd: "sh", args: "-c 'exit 3'", notify: `${receiver.url}/hook/single`, label: "survey=m31" });
    const [got] = await receiver.waitFor("/hook/single", 1);
    const body = JSON.parse(got!.body) as SessionEndedNotification;
    expect(got!.method).toBe("POST");
    expect(got!.headers["content-type"]).toBe("application/json");
    expect(got!.headers["x-skyrun-event"]).toBe("session.ended");
    expect(got!.headers["x-skyrun-delivery"]).toBe(body.deliveryId);
    expect(body).toMatchObject({ event: "session.ended", session: { id, userid: "alice", status: "Failed", outcome: "failed", exitCode: 3, attempts: 1, labels: { survey: "m31" } } });
    const key = await keyOf(alice);
    expect(key).toMatchObject({ algorithm: "HMAC-SHA256", signatureHeader: "x-skyrun-signature", key: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const signature = String(got!.headers["x-skyrun-signature"]);
    expect(verifyNotificationSignature(got!.body, signature, key.key)).toBe(true);
    expect(verifyNotificationSignature(got!.body, signature, (await keyOf(bob)).key)).toBe(false);
    // docs/accounting.md's shell check, run as written.
    const dir = mkdtempSync(join(tmpdir(), "skyrun-sig-"));
    writeFileSync(join(dir, "body.json"), got!.body);
    const script = 't=${SIG#t=}; t=${t%%,*}; expected=${SIG#*v1=}\nactual=$(printf \'%s.\' "$t" | cat - body.json | openssl dgst -sha256 -hmac "$KEY" | sed \'s/^.*= //\')\n[ "$actual" = "$expected" ] && echo valid';
    expect(execFileSync("sh", ["-c", script], { cwd: dir, env: { ...process.env, SIG: signature, KEY: key.key }, encoding: "utf8" }).trim()).toBe("valid");
    // The Python SDK's verifier, on the same bytes.
    const python = "import sys; sys.path.insert(0, sys.argv[1]); from skyrun import verify_notification_signature as v; b = open('body.json', 'rb').read(); print(v(b, sys.argv[2], sys.argv[3]), v(b + b' ', sys.argv[2], sys.argv[3]))";
    expect(execFileSync("python3", ["-c", python, join(process.cwd(), "python"), signature, key.key], { cwd: dir, encoding: "utf8" }).trim()).toBe("True False");
    expect(await delivery(alice, `session:${id}`, "delivered")).toMatchObject({ event: "session.ended", attempts: 1, lastStatus: 204, url: `${receiver.url}/hook/single` });
    // The session shows it: an event, and the notification's state in its JSON.
    const events = await waitUntil("the Notified event", async () => {
      const list = (await request("GET", `${t.base("v1")}/session/${id}/events?format=json`, { token: alice.token })).json<{ type: string; reason: string; message: string }[]>();
      return list.some((e) => e.reason === "Notified") ? list : undefined;
    });
    expect(events.find((e) => e.reason === "Notified")).toMatchObject({ type: "Normal", message: expect.stringContaining(`${receiver.url}/hook/single: HTTP 204`) });
    const session = (await request("GET", `${t.base("v1")}/session/${id}`, { token: alice.token })).json<{ notify: string; notification: object }>();
    expect(session).toMatchObject({ notify: `${receiver.url}/hook/single`, notification: { event: "session.ended", state: "delivered", attempts: 1, lastStatus: 204 } });
    // Bob sees none of alice's notifications.
    expect((await deliveries(bob)).find((d) => d.subject === `session:${id}`)).toBeUndefined();
  });

  it("sends one message for a whole set once every session has ended, with its counts, and none per session (issue 12)", async () => {
    const ids = await create(alice, { name: "sweep", replicas: "3", cmd: "sh", args: "-c 'test $REPLICA_ID != 2'", notify: `${receiver.url}/hook/set` });
    const [got] = await receiver.waitFor("/hook/set", 1);
    const body = JSON.parse(got!.body) as SetEndedNotification;
    expect(body).toMatchObject({ event: "set.ended", set: { name: "sweep", userid: "alice", total: 3, succeeded: 2, failed: 1, cancelled: 0 } });
    const subjects = (await deliveries(alice)).map((d) => d.subject);
    expect(subjects.filter((s) => s === `set:${body.set.id}`)).toHaveLength(1);
    for (const id of ids) expect(subjects).not.toContain(`session:${id}`);
    // Every session of the set shows the set's notification.
    for (const id of ids) {
      await waitUntil(`the set's notification on ${id}`, async () => {
        const s = (await request("GET", `${t.base("v1")}/session/${id}`, { token: alice.token })).json<{ notification?: { event: string; state: string } }>();
        return s.notification?.event === "set.ended" && s.notification.state === "delivered" ? true : undefined;
      });
    }
    expect(verifyNotificationSignature(got!.body, String(got!.headers["x-skyrun-signature"]), (await keyOf(alice)).key)).toBe(true);
  });

  it("retries a receiver that fails or does not answer, with a growing wait and the same delivery id, until it accepts (issue 12)", async () => {
    receiver.answer = (r, n) => (r.path.startsWith("/hook/flaky") ? (n === 1 ? { status: 503 } : n === 2 ? "hold" : { status: 200 }) : { status: 204 });
    const [id] = await create(alice, { cmd: "true", notify: `${receiver.url}/hook/flaky` });
    const got = await receiver.waitFor("/hook/flaky", 3);
    expect(new Set(got.map((r) => r.headers["x-skyrun-delivery"])).size).toBe(1);
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    // 0.2 s after the 503, then the held attempt's 1 s timeout and about 0.4 s more.
    expect(got[1]!.atMs - got[0]!.atMs).toBeGreaterThanOrEqual(150);
    expect(got[2]!.atMs - got[1]!.atMs).toBeGreaterThanOrEqual(1300);
    const done = await delivery(alice, `session:${id}`, "delivered");
    expect(done).toMatchObject({ attempts: 3, lastStatus: 200 });
  });

  it("gives up after notifications.maxAttempts and says why (issue 12)", async () => {
    receiver.answer = (r) => (r.path.startsWith("/hook/down") ? { status: 500 } : { status: 204 });
    const [id] = await create(alice, { cmd: "true", notify: `${receiver.url}/hook/down` });
    const failed = await delivery(alice, `session:${id}`, "failed");
    expect(failed).toMatchObject({ attempts: 3, lastStatus: 500, lastError: "HTTP 500" });
    expect(receiver.to("/hook/down")).toHaveLength(3);
    const events = await waitUntil("the NotificationFailed event", async () => {
      const list = (await request("GET", `${t.base("v1")}/session/${id}/events?format=json`, { token: alice.token })).json<{ type: string; reason: string; message: string }[]>();
      return list.find((e) => e.reason === "NotificationFailed");
    });
    expect(events).toMatchObject({ type: "Warning", message: expect.stringContaining("after 3 attempts: HTTP 500") });
    expect((await request("GET", `${t.base("v1")}/session/${id}`, { token: alice.token })).json()).toMatchObject({ notification: { state: "failed", attempts: 3, lastStatus: 500 } });
  });

  it("follows a redirect only under the allowed prefixes, never to another host (issue 12)", async () => {
    receiver.answer = (r) => r.path === "/hook/moved" ? { status: 308, location: "/hook/new-home" }
      : r.path === "/hook/away" ? { status: 307, location: `${elsewhere.url}/steal` } : { status: 204 };
    const [moved] = await create(alice, { cmd: "true", notify: `${receiver.url}/hook/moved` });
    const [arrived] = await receiver.waitFor("/hook/new-home", 1);
    expect(JSON.parse(arrived!.body)).toMatchObject({ session: { id: moved } });
    const [away] = await create(alice, { cmd: "true", notify: `${receiver.url}/hook/away` });
    const failed = await delivery(alice, `session:${away}`, "failed");
    expect(failed.lastError).toContain("not under notifications.allowedUrls: not followed");
    expect(elsewhere.requests).toEqual([]);
  });

  it("refuses at create a notify URL outside the allowed prefixes, a look-alike host included (issue 12)", async () => {
    const host = new URL(receiver.url);
    for (const url of [`${elsewhere.url}/hook/x`, `${receiver.url}/hooked`, `http://${host.hostname}.evil.example:${host.port}/hook/x`]) {
      const r = await request("POST", `${t.base("v1")}/session`, { token: alice.token, form: { name: "n", image: DEMO_IMAGE, cmd: "true", notify: url } });
      expect(r.status, url).toBe(400);
      expect(r.text).toContain("Invalid value for 'notify'");
    }
  });
});
