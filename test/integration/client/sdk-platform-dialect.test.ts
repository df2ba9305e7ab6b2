import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type SkyrunClient } from "../../../src/client/index.js";
import { startFaultProxy, type FaultProxy } from "../../support/fault-proxy.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

// The platform's skaha has no replicas parameter, no log follow and events only as a text
// table. A proxy that removes skyrun's x-skyrun-version header makes a real skyrun look
// like the platform; the client must notice and speak the platform's dialect, using only
// what the platform offers (form parameters, ?view=logs snapshots, the text table).

let t: TestServer;
let alice: TestUser;
let proxy: FaultProxy;
let client: SkyrunClient;

beforeAll(async () => {
  t = await startTestServer();
  alice = await t.addUser("alice", { uid: 20201 });
  proxy = await startFaultProxy({ target: t.url, hideSkyrun: true });
  client = createClient({ url: `${proxy.url}/skaha`, apiVersion: "v0", token: alice.token });
});
afterAll(async () => {
  await client.close();
  await proxy.close();
  await t.close();
});

const requestsSince = (n: number) => proxy.log.slice(n);

describe("against a server without x-skyrun-version (the platform)", () => {
  it("detects the platform", async () => {
    expect(await client.server()).toEqual({ kind: "platform" });
    expect(client.baseUrl).toBe(`${proxy.url}/skaha/v0`);
  });

  it("creates a sweep as one form POST per replica, named name-1…name-N, each seeing REPLICA_ID and REPLICA_COUNT", async () => {
    const mark = proxy.log.length;
    const progress: number[] = [];
    const r = await client.create({ name: "params", image: DEMO_IMAGE, replicas: 3, cmd: "env", env: { MODE: "batch" } }, { onProgress: (ok) => progress.push(ok) });
    expect(r.ids).toHaveLength(3);
    expect(r.sessions).toEqual([]);
    expect(r.failed).toEqual([]);
    const posts = requestsSince(mark).filter((x) => x.method === "POST");
    expect(posts).toHaveLength(3);
    expect(posts.every((p) => p.headers["content-type"] === "application/x-www-form-urlencoded" && p.headers.accept !== "application/json")).toBe(true);
    expect(progress.at(-1)).toBe(3);
    const done = await client.waitFor(r.ids, { timeoutMs: 40_000 });
    expect(done.sessions.map((s) => [s.name, s.status])).toEqual([["params-1", "Succeeded"], ["params-2", "Succeeded"], ["params-3", "Succeeded"]]);
    const logs = await Promise.all(r.ids.map((id) => client.logs(id)));
    logs.forEach((text, i) => {
      expect(text).toContain(`REPLICA_ID=${i + 1}\n`);
      expect(text).toContain("REPLICA_COUNT=3\n");
      expect(text).toContain("MODE=batch\n");
    });
  });

  it("refuses an argument with a space, which the platform would split, instead of running something else", async () => {
    const mark = proxy.log.length;
    await expect(client.create({ name: "spaces", image: DEMO_IMAGE, cmd: ["sh", "-c", "echo two words"] })).rejects.toMatchObject({ name: "UnsupportedError" });
    await expect(client.create({ name: "deps", image: DEMO_IMAGE, dependsOn: ["abcdefgh"] })).rejects.toMatchObject({ name: "UnsupportedError" });
    expect(requestsSince(mark).filter((x) => x.method === "POST")).toEqual([]);
  });

  it("follows a log by polling snapshots, printing only new bytes, and stops when the job is done", async () => {
    const { ids } = await client.create({ name: "poll", image: DEMO_IMAGE, cmd: "sh", args: "-c 'for i in 1 2 3 4; do echo line $i; sleep 0.5; done'" });
    const mark = proxy.log.length;
    const chunks: string[] = [];
    for await (const chunk of client.followLogs(ids[0]!, { pollIntervalMs: 300 })) chunks.push(chunk);
    expect(chunks.join("")).toBe("line 1\nline 2\nline 3\nline 4\n");
    expect(chunks.length).toBeGreaterThan(1);
    const paths = requestsSince(mark).map((x) => x.path);
    expect(paths.some((p) => p.includes("view=logs"))).toBe(true);
    expect(paths.some((p) => p.includes("follow"))).toBe(false);
    expect((await client.info(ids[0]!)).status).toBe("Succeeded");
  });

  it("tails on the client side, since the platform has no tail", async () => {
    const { ids } = await client.create({ name: "tail", image: DEMO_IMAGE, cmd: "seq", args: "1 6" });
    await client.waitFor(ids, { timeoutMs: 30_000 });
    const mark = proxy.log.length;
    expect(await client.logs(ids[0]!, { tail: 2 })).toBe("5\n6\n");
    expect(requestsSince(mark).map((x) => x.path).join()).not.toContain("tail=");
  });

  it("parses the events text table into objects", async () => {
    const { ids } = await client.create({ name: "events", image: DEMO_IMAGE, cmd: "sh", args: "-c 'exit 4'" });
    await client.waitFor(ids, { timeoutMs: 30_000 });
    const mark = proxy.log.length;
    const events = await client.events(ids[0]!);
    expect(requestsSince(mark).every((x) => x.headers.accept !== "application/json")).toBe(true);
    expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(["Queued", "Started", "Failed"]));
    expect(events.find((e) => e.reason === "Failed")).toEqual({
      type: "Warning",
      reason: "Failed",
      message: "Container exited with code 4",
      firstTime: expect.stringMatching(/Z$/) as unknown,
      lastTime: expect.stringMatching(/Z$/) as unknown,
    });
  });

  it("translates a Completed filter to v0's Succeeded", async () => {
    const { ids } = await client.create({ name: "filtered", image: DEMO_IMAGE, cmd: "true" });
    await client.waitFor(ids, { timeoutMs: 30_000 });
    const mark = proxy.log.length;
    expect((await client.list({ status: "Completed" })).map((s) => s.id)).toContain(ids[0]);
    expect(requestsSince(mark)[0]!.path).toContain("status=Succeeded");
  });

  it("says per-session stats are a skyrun extension", async () => {
    await expect(client.sessionStats("abcdefgh")).rejects.toMatchObject({ name: "UnsupportedError" });
  });
});

describe("against skyrun through the same proxy, header kept", () => {
  it("uses skyrun's extensions: one POST with replicas, a streamed follow, JSON events; and polls many sessions with one listing", async () => {
    const direct = await startFaultProxy({ target: t.url });
    const sky = createClient({ url: direct.url, token: alice.token });
    try {
      const r = await sky.create({ name: "one-post", image: DEMO_IMAGE, replicas: 6, cores: 0.5, cmd: ["true"] });
      expect(direct.log.filter((x) => x.method === "POST")).toHaveLength(1);
      expect(direct.log.find((x) => x.method === "POST")!.headers["content-type"]).toBe("application/json");
      // skyrun's JSON answer is asked for by its own media type; application/json would get the platform's text (issue 14).
      expect(direct.log.find((x) => x.method === "POST")!.headers.accept).toBe("application/vnd.skyrun+json");
      const mark = direct.log.length;
      await sky.waitFor(r.ids, { timeoutMs: 40_000 });
      const polls = direct.log.slice(mark).map((x) => x.path.split("?")[0]);
      // Six open sessions cost one listing per poll; the last few (at most four) are asked for by id.
      expect(polls[0]).toBe("/skaha/v1/session");
      const byId = new Set(polls.filter((p) => p !== "/skaha/v1/session"));
      expect(byId.size).toBeLessThanOrEqual(4);
      expect([...byId].every((p) => r.ids.some((id) => p === `/skaha/v1/session/${id}`))).toBe(true);
      for await (const _ of sky.followLogs(r.ids[0]!)) { /* drain */ }
      expect(direct.log.at(-1)!.path).toContain("follow=true");
      expect((await sky.events(r.ids[0]!)).map((e) => e.count)).toContain(1);
      expect(direct.log.at(-1)!.headers.accept).toBe("application/vnd.skyrun+json");
    } finally {
      await sky.close();
      await direct.close();
    }
  });
});
