/** Issue 4: order, fairness, backfill, limits, arrays, dependencies and stats, with real containers. */
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { request, waitForStatus, waitUntil, type SessionJson } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

let t: TestServer | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

async function server(overrides: Record<string, unknown>): Promise<TestServer> {
  t = await startTestServer({ overrides });
  return t;
}
async function create(s: TestServer, u: TestUser, form: Record<string, string>): Promise<string> {
  const r = await request("POST", `${s.base()}/session`, { token: u.token, form: { name: "j", image: DEMO_IMAGE, cores: "1", ram: "1", ...form } });
  expect(r.status, r.text).toBe(200);
  return r.text.trim();
}
const get = async (s: TestServer, u: TestUser, id: string) => (await request("GET", `${s.base()}/session/${id}`, { token: u.token })).json<SessionJson>();

describe("fairness", () => {
  it("does not let one user's flood hold back another user's job", async () => {
    const s = await server({ capacity: { cores: 2, ramGB: 8 }, scheduler: { usageChargeIntervalSeconds: 0.2 } });
    const alice = await s.addUser("alice");
    const bob = await s.addUser("bob");
    const flood: string[] = [];
    for (let i = 0; i < 12; i++) flood.push(await create(s, alice, { cmd: "sleep", args: "1" }));
    await waitForStatus(s.base(), alice.token, flood[0]!, ["Running", "Succeeded"]);
    const bobs = await create(s, bob, { cmd: "true" });
    await waitForStatus(s.base(), bob.token, bobs, ["Succeeded"], 30_000);
    const aliceLeft = (await request("GET", `${s.base()}/session?status=Pending`, { token: alice.token })).json<SessionJson[]>();
    expect(aliceLeft.length).toBeGreaterThanOrEqual(6); // bob went ahead of most of alice's queue
  });

  it("runs a user's smaller job before their larger one when both wait", async () => {
    const s = await server({ capacity: { cores: 2, ramGB: 8 } });
    const alice = await s.addUser("alice");
    const blocker = await create(s, alice, { cores: "2", ram: "1", cmd: "sleep", args: "2" });
    await waitForStatus(s.base(), alice.token, blocker, ["Running"]);
    const big = await create(s, alice, { cores: "2", ram: "1", cmd: "true" });
    const small = await create(s, alice, { cores: "1", ram: "1", cmd: "true" });
    expect((await get(s, alice, small)).statusMessage).toMatch(/position 1 in queue/);
    expect((await get(s, alice, big)).statusMessage).toMatch(/position 2 in queue/);
    const done = await waitForStatus(s.base(), alice.token, small, ["Succeeded"]);
    const bigDone = await waitForStatus(s.base(), alice.token, big, ["Succeeded"]);
    expect(Date.parse(done.startTime as string)).toBeLessThanOrEqual(Date.parse(bigDone.startTime as string));
  });

  it("shows in each listing, however often read, where a session waits now and what it became", async () => {
    const s = await server({ capacity: { cores: 1, ramGB: 8 } });
    const alice = await s.addUser("alice");
    const list = async () => (await request("GET", `${s.base()}/session`, { token: alice.token })).json<SessionJson[]>();
    const blocker = await create(s, alice, { cmd: "sleep", args: "300" });
    await waitForStatus(s.base(), alice.token, blocker, ["Running"]);
    const first = await create(s, alice, { cmd: "true" });
    const second = await create(s, alice, { cmd: "true" });
    for (let i = 0; i < 3; i++) {
      const listed = await list();
      expect(listed.map((j) => j.statusMessage?.match(/position \d+/)?.[0] ?? j.status)).toEqual(["Running", "position 1", "position 2"]);
      for (const j of listed.slice(1)) expect(j).toEqual(await get(s, alice, j.id)); // the listing's JSON is the session's own
    }
    await request("DELETE", `${s.base()}/session/${first}`, { token: alice.token });
    await waitUntil("the second job moves up to position 1", async () => ((await list()).find((j) => j.id === second)?.statusMessage?.includes("position 1 in queue") ? true : undefined));
    expect((await list()).find((j) => j.id === first)?.status ?? "gone").not.toBe("Pending");
    await request("DELETE", `${s.base()}/session/${blocker}`, { token: alice.token });
    await waitForStatus(s.base(), alice.token, second, ["Succeeded"]);
    expect((await list()).find((j) => j.id === second)?.status).toBe("Succeeded");
  });

  it("holds back a small job that fits now when it would delay the reserved head (backfill)", async () => {
    const s = await server({ capacity: { cores: 4, ramGB: 8 } });
    const vip = await s.addUser("vip");
    const alice = await s.addUser("alice");
    await s.server.store.users.setPriority("user", "vip", 10);
    const running = await create(s, alice, { cores: "2", ram: "1", cmd: "sleep", args: "300" });
    await waitForStatus(s.base(), alice.token, running, ["Running"]);
    const head = await create(s, vip, { cores: "4", ram: "1", cmd: "true" });
    const small = await create(s, alice, { cores: "1", ram: "1", cmd: "true" });
    const waiting = await get(s, alice, small);
    expect(waiting.status).toBe("Pending"); // 2 cores are free, but taking one would delay the head
    expect(waiting.statusMessage).toMatch(new RegExp(`held back so that session ${head}, ahead in the queue, is not delayed`));
    expect((await get(s, vip, head)).statusMessage).toMatch(/^waiting for 4 cores, 1 GB RAM: 2 of 4 cores and 7 of 8 GB free; position 1 in queue/);
    await request("DELETE", `${s.base()}/session/${running}`, { token: alice.token });
    const headDone = await waitForStatus(s.base(), vip.token, head, ["Succeeded"]);
    const smallDone = await waitForStatus(s.base(), alice.token, small, ["Succeeded"]);
    expect(Date.parse(smallDone.startTime as string)).toBeGreaterThanOrEqual(Date.parse(headDone.startTime as string));
  });
});

describe("reconciliation", () => {
  it("never takes a launch in flight for a lost run: a burst under a busy reconciler all succeeds", async () => {
    // Regression: the reconciler judged "starting" jobs by their age since submission, so in a
    // long queue it put launches in flight back in the queue, and their relaunch looped.
    const s = await server({ capacity: { cores: 2, ramGB: 8 }, scheduler: { reconcileIntervalSeconds: 0.1 } });
    const alice = await s.addUser("alice");
    const r = await request("POST", `${s.base()}/session`, { token: alice.token, form: { name: "burst", image: DEMO_IMAGE, replicas: "30", cores: "1", ram: "1", cmd: "true" } });
    const ids = r.text.trim().split("\n");
    // Thirty containers take seconds alone and minutes on a machine loaded with other suites.
    const done = await Promise.all(ids.map((id) => waitForStatus(s.base(), alice.token, id, ["Succeeded", "Failed"], 300_000)));
    expect(done.filter((d) => d.status !== "Succeeded").map((d) => d.statusMessage)).toEqual([]);
    for (const id of ids.slice(-5)) {
      expect((await request("GET", `${s.base()}/session/${id}?view=events`, { token: alice.token })).text).not.toContain("BackOff");
    }
  }, 360_000);
});

describe("runs prepared ahead", () => {
  /** The state of a job's container on the engine, or "none". */
  const containerState = (id: string): string => {
    try {
      return execFileSync("podman", ["inspect", "--format", "{{.State.Status}}", `skyrun-${id}`], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return "none";
    }
  };

  it("creates the next jobs' containers while the core is taken, starts them in order, and removes a deleted one's", async () => {
    const s = await server({ capacity: { cores: 1, ramGB: 8 }, scheduler: { prepareAhead: 2 } });
    const alice = await s.addUser("alice");
    const blocker = await create(s, alice, { cmd: "sleep", args: "300" });
    await waitForStatus(s.base(), alice.token, blocker, ["Running"]);
    const next = [await create(s, alice, { cmd: "echo", args: "one" }), await create(s, alice, { cmd: "echo", args: "two" }), await create(s, alice, { cmd: "echo", args: "three" })];
    // The two next in line are created (not started); the third waits for its turn.
    await waitUntil("the two next in line to be prepared", async () => (next.slice(0, 2).every((id) => containerState(id) === "created") ? true : undefined));
    expect(containerState(next[2]!)).toBe("none");
    expect((await get(s, alice, next[0]!)).status).toBe("Pending");
    // Deleting a prepared job removes its container.
    await request("DELETE", `${s.base()}/session/${next[0]}`, { token: alice.token });
    await waitUntil("the deleted job's container to be removed", async () => (containerState(next[0]!) === "none" ? true : undefined));
    await request("DELETE", `${s.base()}/session/${blocker}`, { token: alice.token });
    const done = await Promise.all(next.slice(1).map((id) => waitForStatus(s.base(), alice.token, id, ["Succeeded", "Failed"])));
    expect(done.map((d) => d.status)).toEqual(["Succeeded", "Succeeded"]);
    const logs = await Promise.all(next.slice(1).map(async (id) => (await request("GET", `${s.base()}/session/${id}?view=logs`, { token: alice.token })).text));
    expect(logs).toEqual(["two\n", "three\n"]);
    expect(Date.parse(done[0]!.startTime as string)).toBeLessThanOrEqual(Date.parse(done[1]!.startTime as string));
  });

  it("prepares nothing when prepareAhead is 0", async () => {
    const s = await server({ capacity: { cores: 1, ramGB: 8 }, scheduler: { prepareAhead: 0 } });
    const alice = await s.addUser("alice");
    const blocker = await create(s, alice, { cmd: "sleep", args: "300" });
    await waitForStatus(s.base(), alice.token, blocker, ["Running"]);
    const queued = await create(s, alice, { cmd: "true" });
    await new Promise((r) => setTimeout(r, 1000));
    expect(containerState(queued)).toBe("none");
    await request("DELETE", `${s.base()}/session/${blocker}`, { token: alice.token });
    expect((await waitForStatus(s.base(), alice.token, queued, ["Succeeded"])).status).toBe("Succeeded");
  });
});

describe("per-user limits", () => {
  it("keeps a user to their running-jobs limit and says so", async () => {
    const s = await server({ capacity: { cores: 4, ramGB: 8 }, scheduler: { limits: { maxRunningJobs: 1 } } });
    const alice = await s.addUser("alice");
    const ids = [await create(s, alice, { cmd: "sleep", args: "1" }), await create(s, alice, { cmd: "sleep", args: "1" })];
    await waitForStatus(s.base(), alice.token, ids[0]!, ["Running"]);
    expect((await get(s, alice, ids[1]!)).statusMessage).toMatch(/^user limit: 1 of 1 running jobs; position 1 in queue/);
    const first = await waitForStatus(s.base(), alice.token, ids[0]!, ["Succeeded"]);
    const second = await waitForStatus(s.base(), alice.token, ids[1]!, ["Succeeded"]);
    expect(Date.parse(second.startTime as string)).toBeGreaterThanOrEqual(Date.parse(first.endTime as string) - 1000);
  });

  it("refuses submissions over the queued limit with 429 and the limit in words", async () => {
    const s = await server({ capacity: { cores: 1, ramGB: 4 }, scheduler: { limits: { maxQueuedJobs: 3 } } });
    const alice = await s.addUser("alice");
    const running = await create(s, alice, { cmd: "sleep", args: "300" });
    await waitForStatus(s.base(), alice.token, running, ["Running"]);
    for (let i = 0; i < 3; i++) await create(s, alice, { cmd: "true" });
    const over = await request("POST", `${s.base()}/session`, { token: alice.token, form: { name: "x", image: DEMO_IMAGE, cmd: "true" } });
    expect(over.status).toBe(429);
    expect(over.text).toContain("the limit is 3 per user");
    const array = await request("POST", `${s.base()}/session`, { token: (await s.addUser("bob")).token, form: { name: "x", image: DEMO_IMAGE, replicas: "4", cmd: "true" } });
    expect(array.status).toBe(429);
  });
});

describe("job arrays", () => {
  it("creates N sessions in one request, named name-1…name-N, with REPLICA_ID and REPLICA_COUNT", async () => {
    const s = await server({});
    const alice = await s.addUser("alice");
    const r = await request("POST", `${s.base()}/session`, { token: alice.token, form: { name: "sweep", image: DEMO_IMAGE, replicas: "3", cmd: "sh", args: "-c 'echo $REPLICA_ID/$REPLICA_COUNT'" } });
    expect(r.status).toBe(200);
    const ids = r.text.trim().split("\n");
    expect(ids).toHaveLength(3);
    const done = await Promise.all(ids.map((id) => waitForStatus(s.base(), alice.token, id, ["Succeeded"])));
    expect(done.map((d) => d.name)).toEqual(["sweep-1", "sweep-2", "sweep-3"]);
    const logs = await Promise.all(ids.map(async (id) => (await request("GET", `${s.base()}/session/${id}?view=logs`, { token: alice.token })).text));
    expect(logs).toEqual(["1/3\n", "2/3\n", "3/3\n"]);
    const json = await request("POST", `${s.base()}/session`, { token: alice.token, form: { name: "sweep", image: DEMO_IMAGE, replicas: "2", cmd: "true" }, headers: { accept: "application/vnd.skyrun+json" } });
    expect(json.json<{ sessionId: string; replicaId: number }[]>().map((x) => x.replicaId)).toEqual([1, 2]);
  });
});

describe("dependencies", () => {
  it("starts a job only after the one it depends on succeeded", async () => {
    const s = await server({});
    const alice = await s.addUser("alice");
    const parent = await create(s, alice, { cmd: "sleep", args: "1" });
    const child = await create(s, alice, { cmd: "true", dependsOn: parent });
    expect((await get(s, alice, child)).statusMessage).toBe(`waiting for session ${parent} to succeed`);
    expect((await request("GET", `${s.base()}/session/${child}?view=events`, { token: alice.token })).text).toMatch(new RegExp(`Waiting\\s+waiting for session ${parent} to succeed`));
    const p = await waitForStatus(s.base(), alice.token, parent, ["Succeeded"]);
    const c = await waitForStatus(s.base(), alice.token, child, ["Succeeded"]);
    expect(Date.parse(c.startTime as string)).toBeGreaterThanOrEqual(Date.parse(p.endTime as string) - 1000);
  });

  it("fails the dependent, with the reason, when the parent fails, is deleted, or had already failed", async () => {
    const s = await server({});
    const alice = await s.addUser("alice");
    const failing = await create(s, alice, { cmd: "sh", args: "-c 'sleep 1; exit 2'" });
    const afterFailing = await create(s, alice, { cmd: "true", dependsOn: failing });
    const grandchild = await create(s, alice, { cmd: "true", dependsOn: afterFailing });
    expect((await waitForStatus(s.base(), alice.token, afterFailing, ["Failed", "Succeeded"])).statusMessage).toBe(`DependencyFailed: session ${failing} ended Failed`);
    expect((await waitForStatus(s.base(), alice.token, grandchild, ["Failed", "Succeeded"])).statusMessage).toBe(`DependencyFailed: session ${afterFailing} ended Failed`);
    const late = await create(s, alice, { cmd: "true", dependsOn: failing });
    expect((await get(s, alice, late)).statusMessage).toBe(`DependencyFailed: session ${failing} ended Failed`);
    const long = await create(s, alice, { cmd: "sleep", args: "300" });
    const afterLong = await create(s, alice, { cmd: "true", dependsOn: long });
    await request("DELETE", `${s.base()}/session/${long}`, { token: alice.token });
    expect((await waitForStatus(s.base(), alice.token, afterLong, ["Failed", "Succeeded"])).statusMessage).toBe(`DependencyFailed: session ${long} was deleted`);
  });

  it("refuses a dependency on a session the user does not own", async () => {
    const s = await server({});
    const alice = await s.addUser("alice");
    const bob = await s.addUser("bob");
    const bobs = await create(s, bob, { cmd: "true" });
    const r = await request("POST", `${s.base()}/session`, { token: alice.token, form: { name: "x", image: DEMO_IMAGE, dependsOn: bobs } });
    expect(r.status).toBe(400);
    expect(r.text).toContain(`session ${bobs} not found`);
  });
});

describe("platform stats", () => {
  it("reports requested and available cores and RAM, and counts, matching what runs", async () => {
    const s = await server({ capacity: { cores: 4, ramGB: 16 } });
    const alice = await s.addUser("alice");
    const ids = [await create(s, alice, { cores: "1", ram: "2", cmd: "sleep", args: "300" }), await create(s, alice, { cores: "1", ram: "2", cmd: "sleep", args: "300" })];
    await Promise.all(ids.map((id) => waitForStatus(s.base(), alice.token, id, ["Running"])));
    const queued = await create(s, alice, { cores: "4", ram: "2", cmd: "true" });
    const stats = (await request("GET", `${s.base("v1")}/session?view=stats`, { token: alice.token })).json<Record<string, Record<string, unknown>>>();
    expect(stats.cores).toEqual({ requestedCPUCores: 2, cpuCoresAvailable: 4, maxCPUCores: { cpuCores: 4, withRam: "16Gi" } });
    expect(stats.ram).toMatchObject({ requestedRAM: "4G", ramAvailable: "16G" });
    expect(stats.instances).toEqual({ session: 0, desktopApp: 0, headless: 2, total: 2 });
    expect(stats.jobs).toMatchObject({ queued: 1, running: 2 });
    for (const id of [...ids, queued]) await request("DELETE", `${s.base()}/session/${id}`, { token: alice.token });
  });
});
