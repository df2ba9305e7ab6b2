import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus, type SessionJson } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

/** Issue 14: the platform answers these calls in text/plain whatever Accept says; JSON is skyrun's explicit opt-in. */
let t: TestServer;
let alice: TestUser;
let done: string;

const SKYRUN_JSON = "application/vnd.skyrun+json";
const create = (o: { headers?: Record<string, string>; query?: string; form?: Record<string, string> } = {}) =>
  request("POST", `${t.base("v1")}/session${o.query ?? ""}`, { token: alice.token, form: { name: "opt-in", image: DEMO_IMAGE, cmd: "true", ...o.form }, headers: o.headers });

beforeAll(async () => {
  t = await startTestServer();
  alice = await t.addUser("alice");
  done = (await create()).text.trim();
  await waitForStatus(t.base("v1"), alice.token, done, ["Completed"]);
});
afterAll(async () => { await t.close(); });

describe("POST /session", () => {
  it("answers text/plain ids when Accept asks for application/json, as the platform does", async () => {
    const r = await create({ headers: { accept: "application/json" }, form: { replicas: "2" } });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(r.text).toMatch(/^[a-z][a-z0-9]{7}\n[a-z][a-z0-9]{7}\n$/);
    expect(r.headers.get("vary")).toMatch(/Accept/i);
  });

  it("answers the created session JSON for Accept: application/vnd.skyrun+json", async () => {
    const r = await create({ headers: { accept: `text/plain;q=0.5, ${SKYRUN_JSON}` } });
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    const s = r.json<SessionJson & { sessionId: string }>();
    expect(s.sessionId).toBe(s.id);
    expect(s.name).toBe("opt-in");
  });

  it("answers JSON for format=json in the query string or the form, and an array for several sessions", async () => {
    const byQuery = await create({ query: "?format=json", form: { replicas: "2" } });
    expect(byQuery.json<{ sessionId: string }[]>()).toHaveLength(2);
    const byForm = await create({ form: { format: "JSON" } });
    expect(byForm.json<{ sessionId: string }>().sessionId).toMatch(/^[a-z][a-z0-9]{7}$/);
  });

  it("lets format=text override the media type, and refuses other formats naming the parameter", async () => {
    expect((await create({ query: "?format=text", headers: { accept: SKYRUN_JSON } })).text).toMatch(/^[a-z][a-z0-9]{7}\n$/);
    const bad = await create({ query: "?format=yaml" });
    expect(bad.status).toBe(400);
    expect(bad.text).toBe("Invalid value for 'format': yaml. Allowed: json, text.\n");
  });
});

describe("GET /session/{id}?view=events", () => {
  it("answers the kubectl-style table when Accept asks for application/json", async () => {
    const r = await request("GET", `${t.base("v1")}/session/${done}?view=events`, { token: alice.token, headers: { accept: "application/json" } });
    expect(r.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(r.text.split("\n")[0]).toMatch(/^TYPE\s+REASON\s+MESSAGE\s+FIRST-TIME\s+LAST-TIME$/);
  });

  it("answers event objects on either opt-in", async () => {
    for (const o of [{ query: "&format=json" }, { headers: { accept: SKYRUN_JSON } }]) {
      const r = await request("GET", `${t.base("v1")}/session/${done}?view=events${o.query ?? ""}`, { token: alice.token, headers: o.headers });
      const events = r.json<{ type: string; reason: string; count: number }[]>();
      expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(["Queued", "Started", "Completed"]));
    }
  });
});

describe("GET /session/{id}?view=logs", () => {
  it("stays the session's text output with either opt-in", async () => {
    const r = await request("GET", `${t.base("v1")}/session/${done}?view=logs&format=json`, { token: alice.token, headers: { accept: SKYRUN_JSON } });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(r.text).toBe("");
  });
});

describe("unknown views, which the platform ignores", () => {
  it("give the session JSON on GET /session/{id} (skaha 1.7's client sends view=event)", async () => {
    const r = await request("GET", `${t.base("v0")}/session/${done}?view=event`, { token: alice.token });
    expect(r.status).toBe(200);
    expect(r.json<SessionJson>()).toMatchObject({ id: done, status: "Succeeded" });
  });

  it("give the caller's listing on GET /session", async () => {
    const r = await request("GET", `${t.base("v1")}/session?view=nonsense`, { token: alice.token });
    expect(r.status).toBe(200);
    expect(r.json<SessionJson[]>().map((s) => s.id)).toContain(done);
  });
});
