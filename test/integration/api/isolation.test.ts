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

  it("keeps view=all for administrators", async () => {
    expect((await request("GET", `${t.base()}/session?view=all`, { token: bob.token })).status).toBe(403);
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
