import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { openStream, sessionOf, type OpenStream, type StreamEvent } from "../../support/sse-client.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

let t: TestServer;
let alice: TestUser;
let bob: TestUser;
let admin: TestUser;
let closed = false;
const opened: OpenStream[] = [];

const stream = async (user: TestUser, o: { all?: boolean; lastEventId?: string; version?: "v0" | "v1" } = {}) => {
  const s = await openStream(`${t.base(o.version ?? "v1")}/stream${o.all ? "?all=true" : ""}`, { token: user.token, ...(o.lastEventId !== undefined ? { lastEventId: o.lastEventId } : {}) });
  opened.push(s);
  return s;
};
const submit = async (user: TestUser, name: string, script: string): Promise<string> => {
  const r = await request("POST", `${t.base("v1")}/session`, { token: user.token, form: { name, image: DEMO_IMAGE, cmd: "sh", args: `-c '${script}'` } });
  expect(r.status).toBe(200);
  return r.text.trim();
};
const isSession = (id: string, status?: string) => (e: StreamEvent) => e.event === "session" && sessionOf(e).id === id && (status === undefined || sessionOf(e).status === status);

beforeAll(async () => {
  t = await startTestServer();
  alice = await t.addUser("alice");
  bob = await t.addUser("bob");
  admin = await t.addUser("ops", { groups: ["skyrun-admins:39000"] });
});
afterAll(async () => {
  for (const s of opened) s.close();
  if (!closed) await t.close();
});

let lastAliceId = "";

describe("GET /stream (issue 17)", () => {
  it("sends each of the caller's changes in order with increasing ids, stats, and nothing of other users'", async () => {
    const a = await stream(alice);
    expect(a.status).toBe(200);
    expect(a.contentType).toMatch(/^text\/event-stream/);
    const b = await stream(bob);
    const everyone = await stream(admin, { all: true });
    const stats = await a.next((e) => e.event === "stats");
    expect(JSON.parse(stats.data)).toMatchObject({ cores: { cpuCoresAvailable: 4 }, jobs: { queued: expect.any(Number) } });

    const aliceJob = await submit(alice, "streamed", "sleep 2");
    const bobJob = await submit(bob, "bobs", "true");
    const done = await a.next(isSession(aliceJob, "Completed"));
    await b.next(isSession(bobJob, "Completed"));
    await everyone.next(isSession(aliceJob, "Completed"));
    await everyone.next(isSession(bobJob, "Completed"));

    const mine = a.events.filter((e) => e.event === "session");
    const ids = mine.map((e) => Number(e.id));
    expect(ids.every((id, i) => Number.isSafeInteger(id) && (i === 0 || id > ids[i - 1]!))).toBe(true);
    const statuses = mine.filter(isSession(aliceJob)).map((e) => sessionOf(e).status);
    expect(statuses[0]).toBe("Pending");
    expect(statuses.at(-1)).toBe("Completed");
    expect(statuses.indexOf("Completed")).toBeGreaterThan(statuses.lastIndexOf("Pending"));
    // The session JSON of GET /session/{id}, with the dashboard's additions.
    expect(JSON.parse(done.data)).toMatchObject({ id: aliceJob, userid: "alice", request: { args: ["-c", "sleep 2"] }, stateSince: expect.any(String) });
    // The boundary: neither ever receives the other's sessions.
    expect(mine.every((e) => sessionOf(e).userid === "alice")).toBe(true);
    expect(b.events.filter((e) => e.event === "session").every((e) => sessionOf(e).userid === "bob")).toBe(true);
    expect(JSON.stringify(b.events)).not.toContain(aliceJob);
    expect(JSON.stringify(a.events)).not.toContain(bobJob);
    lastAliceId = done.id!;
  });

  it("refuses all=true to a non-administrator, naming the parameter", async () => {
    const r = await request("GET", `${t.base("v1")}/stream?all=true`, { token: alice.token });
    expect(r.status).toBe(403);
    expect(r.text).toContain("all=true");
  });

  it("sends a deletion as the session's change", async () => {
    const a = await stream(alice, { version: "v0" });
    const id = await submit(alice, "deleted", "sleep 300");
    await a.next(isSession(id, "Running"));
    expect((await request("DELETE", `${t.base("v1")}/session/${id}`, { token: alice.token })).status).toBe(200);
    const gone = await a.next(isSession(id, "Failed"));
    expect(sessionOf(gone)).toMatchObject({ statusMessage: expect.stringMatching(/delet/i) });
    a.close();
  });

  it("replays what changed while the client was away when it resumes with Last-Event-ID", async () => {
    const away = await submit(alice, "while-away", "true");
    await waitForStatus(t.base("v1"), alice.token, away, ["Completed"]);
    const back = await stream(alice, { lastEventId: lastAliceId });
    const replayed = await back.next(isSession(away, "Completed"));
    expect(Number(replayed.id)).toBeGreaterThan(Number(lastAliceId));
    expect(back.events.some((e) => e.event === "reset")).toBe(false);
    back.close();
  });

  it("tells a client whose last event it cannot replay to reload (reset), then follows from now", async () => {
    const s = await stream(alice, { lastEventId: "99999999999" });
    const reset = await s.next((e) => e.event === "reset");
    expect(Number(reset.id)).toBeGreaterThan(0);
    const id = await submit(alice, "after-reset", "true");
    await s.next(isSession(id, "Completed"), { from: s.events.indexOf(reset) });
    expect(s.comments.length).toBeGreaterThan(0);
    s.close();
  });

  it("ends open streams when the server shuts down, instead of waiting for the clients", async () => {
    const s = await stream(alice);
    await s.next((e) => e.event === "stats");
    const stopping = t.close();
    closed = true;
    await Promise.race([s.ended, new Promise((_, reject) => setTimeout(() => reject(new Error("stream still open 60 s after shutdown began")), 60_000))]);
    await stopping;
  });
});
