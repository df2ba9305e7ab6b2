import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus, waitUntil } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

interface StatsWithHistory {
  readonly id: string;
  readonly history?: { time: string; cpuCores: number; ramBytes: number }[];
}

let t: TestServer;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  // A short retention and frequent purges: the test sees a session's samples go with its record.
  t = await startTestServer({ overrides: { sessions: { retentionSeconds: 30, purgeIntervalSeconds: 2 } } });
  alice = await t.addUser("alice");
  bob = await t.addUser("bob");
});
afterAll(async () => { await t.close(); });

describe("usage over a session's life (issue 17)", () => {
  it("samples a running session about every 10 s, keeps its CPU time, and deletes the samples with it", async () => {
    // Busy for a while, then idle: some CPU time to count, and a run long enough for two or three readings.
    const id = (await request("POST", `${t.base("v1")}/session`, {
      token: alice.token, form: { name: "busy", image: DEMO_IMAGE, cmd: "sh", args: "-c 'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; sleep 25'" },
    })).text.trim();
    await waitForStatus(t.base("v1"), alice.token, id, ["Running"]);
    const stats = (await request("GET", `${t.base("v1")}/session/${id}/stats?history=true`, { token: alice.token })).json<StatsWithHistory>();
    expect(stats.id).toBe(id);
    expect(Array.isArray(stats.history)).toBe(true);
    const sampled = await waitUntil("two usage samples", async () => {
      const s = (await request("GET", `${t.base("v1")}/session/${id}/stats?history=true`, { token: alice.token })).json<StatsWithHistory>();
      return (s.history?.length ?? 0) >= 2 ? s.history! : undefined;
    }, 120_000, 1000);
    const times = sampled.map((h) => Date.parse(h.time));
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(5_000);
    expect(sampled.some((h) => h.ramBytes > 0)).toBe(true);
    // Without history=true the answer is as before.
    expect((await request("GET", `${t.base("v1")}/session/${id}/stats`, { token: alice.token })).json<StatsWithHistory>()).not.toHaveProperty("history");
    // Another user cannot read it.
    expect((await request("GET", `${t.base("v1")}/session/${id}/stats?history=true`, { token: bob.token })).status).toBe(404);

    await waitForStatus(t.base("v1"), alice.token, id, ["Completed"], 180_000);
    const job = await t.server.store.jobs.get(id as never);
    expect(job?.cpuSeconds).toBeGreaterThan(0);
    expect(job?.cpuSeconds).toBeLessThan(60);

    expect((await request("DELETE", `${t.base("v1")}/session/${id}`, { token: alice.token })).status).toBe(200);
    await waitUntil("the session and its samples purged", async () => {
      const left = await t.server.store.jobs.listUsageSamples(id as never);
      return left.length === 0 && (await t.server.store.jobs.get(id as never)) === undefined ? true : undefined;
    }, 180_000, 1000);
  });

  it("refuses a history value it does not know, naming the parameter", async () => {
    const id = (await request("POST", `${t.base("v1")}/session`, { token: alice.token, form: { name: "quick", image: DEMO_IMAGE, cmd: "true" } })).text.trim();
    const r = await request("GET", `${t.base("v1")}/session/${id}/stats?history=maybe`, { token: alice.token });
    expect(r.status).toBe(400);
    expect(r.text).toContain("history");
  });
});
