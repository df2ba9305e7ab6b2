import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../../domain/errors.js";
import type { JobId } from "../../domain/ids.js";
import { NEVER, type Job } from "../../domain/job.js";
import type { Store } from "../store.js";
import { openStore } from "../open-store.js";
import { DRIVERS, freshStore, persistentTarget } from "./store-factory.js";

let seq = 0;
const job = (id: string, over: Partial<Job> = {}): Job => ({
  id: id as JobId,
  owner: { username: "alice", uid: 10001, gid: 10001, groups: [30001, 30002] },
  name: `job-${id}`,
  image: "localhost/skyrun-demo:latest",
  type: "headless",
  command: ["sh", "-c"],
  args: ["echo 'a b'"],
  env: [["A", "b=c"]],
  resources: { coresRequest: 0.5, coresLimit: 8, ramRequestGB: 4, ramLimitGB: 32, gpus: 0, fixed: false },
  dependsOn: [],
  priority: 0,
  state: "queued",
  reason: null,
  exitCode: null,
  createdAt: new Date(1_700_000_000_000),
  startedAt: null,
  finishedAt: null,
  deadlineSeconds: 1_209_600,
  visibleUntil: NEVER,
  executor: "local",
  runHandle: null,
  arrayId: null,
  replicaIndex: null,
  replicaCount: null,
  sealedRegistryAuth: null,
  submitSeq: ++seq,
  ...over,
});
const at = new Date(1_700_000_100_000);

describe.each(DRIVERS)("store on %s", (driver) => {
  let store: Store;
  beforeEach(async () => { store = await freshStore(driver); });
  afterEach(async () => { await store.close(); });

  it("returns a stored job exactly as it was given", async () => {
    const j = job("aaaa0001", { dependsOn: ["bbbb0001" as JobId], arrayId: "arr00001", replicaIndex: 2, replicaCount: 5, sealedRegistryAuth: "v1.x.y.z" });
    await store.jobs.insertMany([j]);
    expect(await store.jobs.get(j.id)).toEqual(j);
  });

  it("inserts ten thousand jobs in one call, all or none", async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => job(`m${String(i).padStart(7, "0")}`));
    await store.jobs.insertMany(many);
    expect((await store.jobs.listActive()).length).toBe(10_000);
    await expect(store.jobs.insertMany([job("zzzz0001"), job("m0000001")])).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await store.jobs.get("zzzz0001" as JobId)).toBeUndefined();
  });

  it("refuses a move the state machine does not allow, and changes nothing (issue 15)", async () => {
    const j = job("ill00001", { state: "succeeded", finishedAt: at });
    await store.jobs.insertMany([j]);
    await expect(store.jobs.transition(j.id, ["succeeded"], "running")).rejects.toMatchObject({ code: "JOB_ILLEGAL_TRANSITION" });
    await expect(store.jobs.transition(j.id, ["queued", "terminating"], "succeeded")).rejects.toThrow(/cannot move from queued, terminating to succeeded/);
    expect(await store.jobs.get(j.id)).toEqual(j);
  });

  it("moves a job only from the state it is in (compare-and-set), with its event", async () => {
    await store.jobs.insertMany([job("aaaa0002")]);
    const started = await store.jobs.transition("aaaa0002" as JobId, ["queued"], "starting");
    expect(started?.state).toBe("starting");
    expect(await store.jobs.transition("aaaa0002" as JobId, ["queued"], "starting")).toBeUndefined();
    const running = await store.jobs.transition("aaaa0002" as JobId, ["starting"], "running", { startedAt: at, runHandle: "c1" }, { type: "Normal", reason: "Started", message: "Started container", at });
    expect(running).toMatchObject({ state: "running", startedAt: at, runHandle: "c1" });
    expect((await store.events.list("aaaa0002" as JobId)).map((e) => e.reason)).toEqual(["Started"]);
  });

  it("lists a user's visible jobs in submission order, filtered by state", async () => {
    await store.jobs.insertMany([
      job("aaaa0003"),
      job("aaaa0004", { state: "succeeded", finishedAt: at, visibleUntil: new Date(at.getTime() + 3_600_000) }),
      job("aaaa0005", { state: "succeeded", finishedAt: at, visibleUntil: at }),
      job("aaaa0006", { owner: { username: "bob", uid: 10002, gid: 10002, groups: [] } }),
    ]);
    const visible = await store.jobs.list({ owner: "alice", visibleAt: new Date(at.getTime() + 1000) });
    expect(visible.map((j) => j.id)).toEqual(["aaaa0003", "aaaa0004"]);
    expect((await store.jobs.list({ owner: "alice", states: ["succeeded"] })).map((j) => j.id)).toEqual(["aaaa0004", "aaaa0005"]);
    expect(await store.jobs.countByState()).toEqual({ queued: 2 });
  });

  it("lists live jobs, and queued ones as summaries page by page in submission order", async () => {
    await store.jobs.insertMany([
      job("qqqq0001", { dependsOn: ["zzzz0009" as JobId] }),
      job("rrrr0001", { state: "running", startedAt: at }),
      job("qqqq0002"),
      job("ssss0001", { state: "succeeded", finishedAt: at }),
      job("qqqq0003"),
    ]);
    expect((await store.jobs.listLive()).map((j) => j.id)).toEqual(["rrrr0001"]);
    const first = await store.jobs.listQueuedSummaries(0, 2);
    expect(first.map((q) => q.id)).toEqual(["qqqq0001", "qqqq0002"]);
    expect(first[0]).toMatchObject({ owner: "alice", coresRequest: 0.5, ramRequestGB: 4, gpus: 0, dependsOn: ["zzzz0009"], deadlineSeconds: 1_209_600 });
    const rest = await store.jobs.listQueuedSummaries(first[1]!.submitSeq, 2);
    expect(rest.map((q) => q.id)).toEqual(["qqqq0003"]);
  });

  it("folds a repeated event into one row with a count", async () => {
    await store.jobs.insertMany([job("aaaa0007")]);
    const e = { type: "Normal" as const, reason: "Pending", message: "Priority", at };
    await store.events.append("aaaa0007" as JobId, e);
    await store.events.append("aaaa0007" as JobId, { ...e, at: new Date(at.getTime() + 5000) });
    const events = await store.events.list("aaaa0007" as JobId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ count: 2, firstAt: at, lastAt: new Date(at.getTime() + 5000) });
  });

  it("purges finished jobs past retention with their events, and nothing else", async () => {
    await store.jobs.insertMany([job("aaaa0008", { state: "failed", finishedAt: at }), job("aaaa0009")]);
    await store.events.append("aaaa0008" as JobId, { type: "Warning", reason: "Failed", message: "x", at });
    expect(await store.jobs.purgeFinishedBefore(new Date(at.getTime() + 1), 100)).toEqual(["aaaa0008"]);
    expect(await store.jobs.get("aaaa0008" as JobId)).toBeUndefined();
    expect(await store.events.list("aaaa0008" as JobId)).toEqual([]);
    expect(await store.jobs.get("aaaa0009" as JobId)).toBeDefined();
  });

  it("keeps users with their groups and refuses clashing names, uids and gids", async () => {
    const alice = await store.users.add({ name: "alice", uid: 10001, groups: [{ name: "astro", gid: 30001 }], dn: "CN=alice,OU=cadc,O=hia,C=ca" });
    expect(alice.groups).toEqual([{ name: "astro", gid: 30001 }]);
    await store.users.add({ name: "bob", uid: 10002, groups: [{ name: "astro", gid: 30001 }] });
    await expect(store.users.add({ name: "alice", uid: 10009, groups: [] })).rejects.toBeInstanceOf(AppError);
    await expect(store.users.add({ name: "carol", uid: 10001, groups: [] })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(store.users.add({ name: "dave", uid: 10004, groups: [{ name: "astro", gid: 31111 }] })).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await store.users.getByDn("CN=alice,OU=cadc,O=hia,C=ca"))?.name).toBe("alice");
    expect(await store.users.nextUid(10_000)).toBe(10003);
  });

  it("finds a user by token hash until the token is revoked or the user removed", async () => {
    await store.users.add({ name: "alice", uid: 10001, groups: [] });
    await store.tokens.create("0123abcd", "alice", "h1", "laptop");
    await store.tokens.create("0123abce", "alice", "h2", null);
    expect(await store.tokens.findUserByHash("h1")).toBe("alice");
    expect(await store.tokens.revoke("0123abcd")).toBe(true);
    expect(await store.tokens.findUserByHash("h1")).toBeUndefined();
    expect(await store.tokens.revoke("0123abcd")).toBe(false);
    await store.users.remove("alice");
    expect(await store.tokens.findUserByHash("h2")).toBeUndefined();
  });

  it("keeps each user's fair-share usage, replacing the previous record", async () => {
    await store.usage.save([{ user: "alice", coreSeconds: 10, asOf: at }, { user: "bob", coreSeconds: 5, asOf: at }]);
    await store.usage.save([{ user: "alice", coreSeconds: 12.5, asOf: new Date(at.getTime() + 1000) }]);
    const byUser = new Map((await store.usage.load()).map((r) => [r.user, r]));
    expect(byUser.get("alice")).toEqual({ user: "alice", coreSeconds: 12.5, asOf: new Date(at.getTime() + 1000) });
    expect(byUser.get("bob")?.coreSeconds).toBe(5);
  });

  it("refuses to start on a database migrated by a newer skyrun", async () => {
    const target = await persistentTarget(driver);
    const first = await openStore(target.config, target.options);
    await first.close();
    await target.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)");
    await expect(openStore(target.config, target.options)).rejects.toThrow(/newer than this skyrun/);
  });
});
