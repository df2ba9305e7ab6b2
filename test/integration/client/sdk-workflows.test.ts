import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, runBulk, type SkyrunClient, type WaitProgress } from "../../../src/client/index.js";
import { DEMO_IMAGE, PYTHON_IMAGE } from "../../support/paths.js";
import { freePort } from "../../support/free-port.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

// The seed pages' Python workflows (submit, poll to completion, fetch logs, list and
// filter, parameter sweep, bulk submit and monitor), each in a few SDK lines, against a
// real skyrun on real Podman.

let t: TestServer;
let alice: TestUser;
let client: SkyrunClient;

beforeAll(async () => {
  t = await startTestServer();
  alice = await t.addUser("alice", { uid: 20101 });
  client = createClient({ url: t.url, token: alice.token });
});
afterAll(async () => {
  await client.close();
  await t.close();
});

describe("submit, poll to completion, fetch logs", () => {
  it("runs a python one-liner and returns its output once the job completed", async () => {
    const { ids } = await client.create({ name: "python-analysis", image: PYTHON_IMAGE, kind: "headless", cmd: "python", args: ["-c", "print('Hello from headless container')"] });
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(/^[a-z][a-z0-9]{7}$/);
    const done = await client.waitFor(ids[0]!, { until: "done", timeoutMs: 45_000 });
    expect(done).toMatchObject({ reached: true, timedOut: false, failed: [], missing: [] });
    expect(done.sessions[0]).toMatchObject({ id: ids[0], name: "python-analysis", status: "Completed", exitCode: 0, type: "headless" });
    expect(await client.logs(ids[0]!)).toBe("Hello from headless container\n");
  });

  it("passes cores, RAM, env and argv exactly: spaces, quotes and '=' survive, nothing is expanded", async () => {
    const { ids, sessions } = await client.create({
      name: "heavy-computation",
      image: DEMO_IMAGE,
      cores: 2,
      ram: 2,
      cmd: ["printf"],
      args: ["[%s]\\n", "two words", "$HOME", "it's", "a=b"],
      env: { PROCESSING_THREADS: "8", QUERY: "x=1&y=2" },
    });
    expect(sessions[0]).toMatchObject({ requestedCPUCores: "2", isFixedResources: true });
    await client.waitFor(ids, { timeoutMs: 30_000 });
    expect(await client.logs(ids[0]!)).toBe("[two words]\n[$HOME]\n[it's]\n[a=b]\n");
    const env = await client.create({ name: "env-check", image: DEMO_IMAGE, cmd: ["sh", "-c", "echo $PROCESSING_THREADS $QUERY"], env: ["PROCESSING_THREADS=8", "QUERY=x=1&y=2"] });
    await client.waitFor(env.ids, { timeoutMs: 30_000 });
    expect(await client.logs(env.ids[0]!)).toBe("8 x=1&y=2\n");
  });

  it("reports a job that exits non-zero as failed, with its exit code and events as objects", async () => {
    const { ids } = await client.create({ name: "fails", image: DEMO_IMAGE, cmd: ["sh", "-c", "echo oops >&2; exit 3"] });
    const r = await client.waitFor(ids, { timeoutMs: 30_000 });
    expect(r.reached).toBe(true);
    expect(r.failed.map((s) => [s.id, s.status, s.exitCode])).toEqual([[ids[0], "Failed", 3]]);
    const events = await client.events(ids[0]!);
    expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(["Queued", "Started", "Failed"]));
    expect(events.find((e) => e.reason === "Failed")).toMatchObject({ type: "Warning", message: "Container exited with code 3", count: 1 });
    expect(events[0]!.firstTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await client.logs(ids[0]!)).toBe("oops\n");
  });

  it("says Succeeded on v0 and Completed on v1 for the same job", async () => {
    const v0 = createClient({ url: `${t.url}/skaha/v0`, token: alice.token });
    try {
      const { ids } = await v0.create({ name: "v0", image: DEMO_IMAGE, cmd: ["true"] });
      const r = await v0.waitFor(ids, { timeoutMs: 30_000 });
      expect(r.sessions[0]!.status).toBe("Succeeded");
      expect((await client.info(ids[0]!)).status).toBe("Completed");
      expect(v0.apiVersion).toBe("v0");
    } finally {
      await v0.close();
    }
  });
});

describe("logs", () => {
  it("follows the output as an async iterator that ends when the job ends", async () => {
    const { ids } = await client.create({ name: "follow", image: DEMO_IMAGE, cmd: ["sh", "-c", "for i in 1 2 3; do echo line $i; sleep 0.4; done"] });
    const started = Date.now();
    const chunks: string[] = [];
    for await (const chunk of client.followLogs(ids[0]!)) chunks.push(chunk);
    expect(chunks.join("")).toBe("line 1\nline 2\nline 3\n");
    expect(Date.now() - started).toBeGreaterThan(700); // it waited for the job, not just the first line
    expect((await client.info(ids[0]!)).status).toBe("Completed");
  });

  it("gives the last lines with tail, whole and followed", async () => {
    const { ids } = await client.create({ name: "tail", image: DEMO_IMAGE, cmd: ["sh", "-c", "for i in 1 2 3 4 5; do echo $i; done"] });
    await client.waitFor(ids, { timeoutMs: 30_000 });
    expect(await client.logs(ids[0]!, { tail: 2 })).toBe("4\n5\n");
    let followed = "";
    for await (const chunk of client.followLogs(ids[0]!, { tail: 1 })) followed += chunk;
    expect(followed).toBe("5\n");
  });

  it("stops following when the caller aborts, without an error", async () => {
    const { ids } = await client.create({ name: "abort-follow", image: DEMO_IMAGE, cmd: ["sh", "-c", "echo first; sleep 30"] });
    const controller = new AbortController();
    let text = "";
    for await (const chunk of client.followLogs(ids[0]!, { signal: controller.signal })) {
      text += chunk;
      if (text.includes("first")) controller.abort();
    }
    expect(text).toBe("first\n");
    await client.delete(ids[0]!);
  });
});

describe("list and filter", () => {
  it("lists the caller's sessions and filters by kind and status, Completed and Succeeded alike", async () => {
    const { ids } = await client.create({ name: "listed", image: DEMO_IMAGE, cmd: ["true"] });
    await client.waitFor(ids, { timeoutMs: 30_000 });
    const all = await client.list();
    const headless = all.filter((s) => s.type === "headless");
    expect(headless.map((s) => s.id)).toContain(ids[0]);
    expect((await client.list({ kind: "headless", status: "Completed" })).map((s) => s.id)).toContain(ids[0]);
    expect((await client.list({ status: "Succeeded" })).map((s) => s.id)).toContain(ids[0]);
    expect((await client.list({ status: "Running" })).map((s) => s.id)).not.toContain(ids[0]);
    expect(await client.list({ kind: "notebook" })).toEqual([]);
  });
});

describe("parameter sweep and bulk submit", () => {
  it("creates a sweep with replicas in one call: name-1…name-N, each with REPLICA_ID and REPLICA_COUNT", async () => {
    const sweep = await client.create({ name: "sweep", image: DEMO_IMAGE, replicas: 5, cores: 0.5, cmd: ["sh", "-c", "echo param=$REPLICA_ID/$REPLICA_COUNT"] });
    expect(sweep.ids).toHaveLength(5);
    expect(sweep.sessions.map((s) => s.name)).toEqual(["sweep-1", "sweep-2", "sweep-3", "sweep-4", "sweep-5"]);
    expect(sweep.failed).toEqual([]);
    const progress: WaitProgress[] = [];
    const r = await client.waitFor(sweep.ids, { timeoutMs: 45_000, onProgress: (p) => progress.push(p) });
    expect(r.reached).toBe(true);
    expect(r.sessions.map((s) => s.status)).toEqual(Array(5).fill("Completed"));
    expect(progress.at(-1)).toMatchObject({ total: 5, reached: 5, byStatus: { Completed: 5 } });
    const logs = await runBulk(sweep.ids, (id) => client.logs(id));
    expect(logs.succeeded.map((l) => l.value)).toEqual([1, 2, 3, 4, 5].map((i) => `param=${i}/5\n`));
  });

  it("submits many jobs with bounded concurrency and monitors them all with one listing per poll", async () => {
    const files = Array.from({ length: 8 }, (_, i) => `/arc/projects/survey/raw/field${String(i + 1).padStart(3, "0")}.fits`);
    const submitted = await runBulk(files, async (file, i) => {
      const { ids } = await client.create({ name: `process-field-${i + 1}`, image: DEMO_IMAGE, cores: 0.5, cmd: ["sh", "-c", `echo processing "$1"; [ "$1" != "${files[5]!}" ]`, "sh", file] });
      return ids[0]!;
    }, { concurrency: 4 });
    expect(submitted.failed).toEqual([]);
    const ids = submitted.succeeded.map((s) => s.value);
    const seen: WaitProgress[] = [];
    const r = await client.waitFor(ids, { timeoutMs: 50_000, onProgress: (p) => seen.push(p) });
    expect(r.reached).toBe(true);
    expect(r.failed.map((s) => s.name)).toEqual(["process-field-6"]);
    expect(seen.at(-1)!.byStatus).toEqual({ Completed: 7, Failed: 1 });
    expect(seen.every((p, i) => i === 0 || p.reached >= seen[i - 1]!.reached)).toBe(true);
    expect(await client.logs(ids[2]!)).toBe(`processing ${files[2]!}\n`);
  });
});

describe("bulk calls report each item", () => {
  it("infoMany and deleteMany say which ids failed and why, and do the rest", async () => {
    const { ids } = await client.create({ name: "to-delete", image: DEMO_IMAGE, cmd: ["sleep", "30"] });
    await client.waitFor(ids, { until: "running", timeoutMs: 30_000 });
    const info = await client.infoMany([ids[0]!, "zzzzzzzz"]);
    expect(info.succeeded.map((s) => s.key)).toEqual([ids[0]]);
    expect(info.failed).toHaveLength(1);
    expect(info.failed[0]!.key).toBe("zzzzzzzz");
    expect(info.failed[0]!.error).toMatchObject({ kind: "api", status: 404, text: "session zzzzzzzz not found" });
    const deleted = await client.deleteMany([ids[0]!, "zzzzzzzz"]);
    expect(deleted.items.map((i) => [i.key, i.ok])).toEqual([[ids[0], true], ["zzzzzzzz", false]]);
    const after = await client.waitFor(ids, { timeoutMs: 30_000 });
    expect(after.sessions[0]!.status).toBe("Failed");
  });

  it("renews a running session and reports one that is not running", async () => {
    const { ids } = await client.create({ name: "renew", image: DEMO_IMAGE, cmd: ["sleep", "30"] });
    await client.waitFor(ids, { until: "running", timeoutMs: 30_000 });
    const before = await client.info(ids[0]!);
    const r = await client.renewMany([ids[0]!]);
    expect(r.failed).toEqual([]);
    // A fresh 14-day job is not extended by a 4-day renewal, as on the platform.
    expect((await client.info(ids[0]!)).expiryTime).toBe(before.expiryTime);
    await client.delete(ids[0]!);
    await client.waitFor(ids, { timeoutMs: 30_000 });
    const again = await client.renewMany(ids);
    expect(again.failed[0]!.error).toMatchObject({ status: 400 });
    expect(again.failed[0]!.error.message).toMatch(/No active job/);
  });
});

describe("waiting", () => {
  it("waits until running, and times out with the states it saw", async () => {
    const { ids } = await client.create({ name: "slow", image: DEMO_IMAGE, cmd: ["sleep", "20"] });
    const running = await client.waitFor(ids, { until: "running", timeoutMs: 30_000 });
    expect(running).toMatchObject({ reached: true, timedOut: false });
    expect(running.sessions[0]!.status).toBe("Running");
    const started = Date.now();
    const timedOut = await client.waitFor(ids, { until: "done", timeoutMs: 1500 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(timedOut).toMatchObject({ reached: false, timedOut: true });
    expect(timedOut.sessions[0]!.status).toBe("Running");
    await client.delete(ids[0]!);
  });

  it("marks unknown ids missing instead of failing the whole wait", async () => {
    const { ids } = await client.create({ name: "known", image: DEMO_IMAGE, cmd: ["true"] });
    const r = await client.waitFor([ids[0]!, "qqqqqqqq"], { timeoutMs: 30_000 });
    expect(r.sessions.map((s) => s.id)).toEqual([ids[0]]);
    expect(r.missing.map((m) => m.id)).toEqual(["qqqqqqqq"]);
    expect(r.reached).toBe(false);
    expect(r.timedOut).toBe(false);
  });
});

describe("platform information", () => {
  it("reads context, images, repositories, stats and a session's usage", async () => {
    const ctx = await client.context();
    expect(ctx.cores.options).toContain(1);
    expect(ctx.memoryGB.options.length).toBeGreaterThan(0);
    const images = await client.images("headless");
    expect(images.map((i) => i.id)).toContain(DEMO_IMAGE);
    expect(images[0]!.digest).toMatch(/^sha256:/);
    expect(Array.isArray(await client.repositories())).toBe(true);
    const stats = await client.stats();
    expect(stats.cores?.cpuCoresAvailable).toBe(4);
    expect(stats.jobs).toBeDefined();
    const { ids } = await client.create({ name: "usage", image: DEMO_IMAGE, cores: 1, ram: 1, cmd: ["true"] });
    await client.waitFor(ids, { timeoutMs: 30_000 });
    expect(await client.sessionStats(ids[0]!)).toMatchObject({ id: ids[0], status: "Completed", requestedCPUCores: 1, limitRAMGB: 1 });
    expect(await client.server()).toEqual({ kind: "skyrun", version: expect.stringMatching(/^\d+\.\d+\.\d+/) as unknown });
  });
});

describe("typed errors", () => {
  it("carries the status and the server's sentence, and refuses bad input before sending", async () => {
    await expect(client.create({ name: "bad", image: DEMO_IMAGE, cores: 99 })).rejects.toMatchObject({ kind: "api", status: 400, text: expect.stringContaining("Invalid value for 'cores': 99") as unknown });
    await expect(client.info("abcdefgh")).rejects.toMatchObject({ name: "ApiError", status: 404 });
    await expect(client.create({ name: "bad name!", image: DEMO_IMAGE })).rejects.toMatchObject({ name: "InvalidRequestError", parameter: "name" });
    await expect(client.create({ name: "x", image: DEMO_IMAGE, env: ["NOEQUALS"] })).rejects.toMatchObject({ name: "InvalidRequestError", parameter: "env" });
    const stranger = createClient({ url: t.url, token: "skyrun_00000000_not-a-token" });
    await expect(stranger.list()).rejects.toMatchObject({ kind: "api", status: 401 });
    await stranger.close();
  });

  it("says when the server cannot be reached, after retrying", async () => {
    const nowhere = createClient({ url: `http://127.0.0.1:${await freePort({ from: "kernel" })}`, token: "x", retry: { retries: 2, minDelayMs: 10 } });
    await expect(nowhere.list()).rejects.toMatchObject({ name: "ConnectionError", code: "ECONNREFUSED", beforeSending: true });
    await nowhere.close();
  });
});
