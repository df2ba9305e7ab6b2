import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus, waitUntil, type SessionJson } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

let t: TestServer;
let alice: TestUser;

beforeAll(async () => {
  t = await startTestServer({ overrides: { sessions: { listingTtlSeconds: 1, retentionSeconds: 4, purgeIntervalSeconds: 0.5 } } });
  alice = await t.addUser("alice");
});
afterAll(async () => { await t.close(); });

describe("finished sessions", () => {
  it("leave the listing after the listing window, keep logs until retention, then are purged", async () => {
    const id = (await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "short", image: DEMO_IMAGE, cmd: "echo kept" } })).text.trim();
    await waitForStatus(t.base(), alice.token, id, ["Succeeded"]);
    const listed = async () => (await request("GET", `${t.base()}/session`, { token: alice.token })).json<SessionJson[]>().some((s) => s.id === id);
    expect(await listed()).toBe(true);
    await waitUntil("the session to leave the listing", async () => ((await listed()) ? undefined : true), 10_000);
    // Out of the listing, but the record and its logs still answer.
    expect((await request("GET", `${t.base()}/session/${id}`, { token: alice.token })).status).toBe(200);
    expect((await request("GET", `${t.base()}/session/${id}?view=logs`, { token: alice.token })).text).toBe("kept\n");
    const logFile = `${t.dataDir}/logs/${id.slice(0, 2)}/${id}.log`;
    expect(existsSync(logFile)).toBe(true);
    await waitUntil("the session to be purged", async () => ((await request("GET", `${t.base()}/session/${id}`, { token: alice.token })).status === 404 ? true : undefined), 20_000, 250);
    expect(existsSync(logFile)).toBe(false);
  });
});
