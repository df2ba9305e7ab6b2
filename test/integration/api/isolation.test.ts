import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus, type SessionJson } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

let t: TestServer;
let alice: TestUser;
let bob: TestUser;
let aliceJob: string;

beforeAll(async () => {
  t = await startTestServer();
  alice = await t.addUser("alice");
  bob = await t.addUser("bob");
  aliceJob = (await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "private", image: DEMO_IMAGE, cmd: "sh", args: "-c 'echo secret-output; sleep 300'" } })).text.trim();
  await waitForStatus(t.base(), alice.token, aliceJob, ["Running"]);
});
afterAll(async () => { await t.close(); });

describe("a user sees and touches only their own sessions", () => {
  it.each([
    ["GET", ""],
    ["GET", "?view=logs"],
    ["GET", "?view=events"],
    ["GET", "/logs"],
    ["GET", "/events"],
    ["GET", "/stats"],
    ["POST", "?action=renew"],
    ["DELETE", ""],
  ])("%s /session/{alice's id}%s as bob → 404", async (method, suffix) => {
    const r = await request(method, `${t.base()}/session/${aliceJob}${suffix}`, { token: bob.token });
    expect(r.status).toBe(404);
    expect(r.text).toBe(`session ${aliceJob} not found\n`);
    expect(r.text).not.toContain("secret-output");
  });

  it("leaves alice's job running after bob's attempts, and out of bob's listing", async () => {
    expect((await request("GET", `${t.base()}/session/${aliceJob}`, { token: alice.token })).json<SessionJson>().status).toBe("Running");
    const bobs = (await request("GET", `${t.base()}/session`, { token: bob.token })).json<SessionJson[]>();
    expect(bobs).toEqual([]);
  });

  it("shows bob alice's session in view=all with only the platform's public fields (issue 14)", async () => {
    const r = await request("GET", `${t.base()}/session?view=all`, { token: bob.token });
    expect(r.status).toBe(200);
    const all = r.json<Record<string, unknown>[]>();
    expect(all).toContainEqual({ userid: "alice", type: "headless", status: "Running", startTime: expect.any(String) });
    for (const s of all) expect(Object.keys(s).every((k) => ["userid", "type", "status", "startTime"].includes(k))).toBe(true);
    expect(r.text).not.toContain(aliceJob);
  });
});

describe("authentication", () => {
  it.each([
    ["no header", {}],
    ["a malformed header", { authorization: "Basic YWxpY2U6cGFzcw==" }],
    ["a made-up token", { authorization: "Bearer skyrun_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }],
    ["garbage", { authorization: "Bearer garbage" }],
  ])("%s → 401 with a reason", async (_what, headers) => {
    const r = await request("GET", `${t.base()}/session`, { headers });
    expect(r.status).toBe(401);
    expect(r.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(r.text.length).toBeGreaterThan(10);
  });

  it("refuses a revoked token at once", async () => {
    const carol = await t.addUser("carol");
    expect((await request("GET", `${t.base()}/session`, { token: carol.token })).status).toBe(200);
    const { revokeToken } = await import("../../../src/identity/user-admin.js");
    await revokeToken(t.server.store, carol.token);
    expect((await request("GET", `${t.base()}/session`, { token: carol.token })).status).toBe(401);
  });

  it("stores tokens hashed: the token text is nowhere in the database file", async () => {
    const { readFileSync, readdirSync } = await import("node:fs");
    for (const f of readdirSync(t.dataDir).filter((n) => n.startsWith("skyrun.db"))) {
      expect(readFileSync(`${t.dataDir}/${f}`).includes(alice.token)).toBe(false);
    }
  });
});

describe("path traversal is refused before it reaches a path (issue 3)", () => {
  it.each([
    ["name", { name: "../../etc" }],
    ["name", { name: "a/b" }],
    ["image", { image: "localhost/../../etc/passwd" }],
    ["image", { image: "../etc/passwd" }],
    ["image", { image: "localhost/skyrun-demo:../../x" }],
    ["image", { image: "localhost/%2e%2e/x" }],
  ])("POST with a traversing %s → 400 naming it", async (parameter, form) => {
    const r = await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "ok", image: DEMO_IMAGE, ...form } });
    expect(r.status, r.text).toBe(400);
    expect(r.text).toContain(`'${parameter}'`);
  });

  it.each(["..%2F..%2Fetc%2Fpasswd", "%2e%2e", "..", "abcdefgh%00"])("GET /session/%s → 404, never a file", async (id) => {
    const r = await request("GET", `${t.base()}/session/${id}?view=logs`, { token: alice.token });
    expect([400, 404]).toContain(r.status);
    expect(r.text).not.toContain("root:");
  });

  it("refuses user and group names that would climb out of /arc", async () => {
    const { addUser, parseGroupSpec } = await import("../../../src/identity/user-admin.js");
    for (const name of ["../evil", "a/b", ".hidden", ""]) {
      await expect(addUser(t.server.store, { name, groups: [] })).rejects.toThrow(/user name/);
    }
    for (const spec of ["../x:5000", "a/b:5000", "..:5000"]) expect(() => parseGroupSpec(spec)).toThrow(/group/);
    expect(readdirSync(`${t.dataDir}/arc`).sort()).toEqual(["home", "projects"]);
  });
});
