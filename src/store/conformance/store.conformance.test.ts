import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../../domain/errors.js";
import type { JobId } from "../../domain/ids.js";
import { FIRST_ATTEMPT, NEVER, NO_BATCH_OPTIONS, type Job } from "../../domain/job.js";
import type { Store } from "../store.js";
import { openStore } from "../open-store.js";
import { DRIVERS, freshStore, persistentTarget } from "./store-factory.js";
import { changesAfter, MAX_REPLAY, resumePoint } from "../../jobs/session-changes.js";

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
  ...NO_BATCH_OPTIONS,
  ...FIRST_ATTEMPT,
  updatedAt: new Date(1_700_000_000_000),
  updatedSeq: 0,
  submitSeq: ++seq,
  ...over,
});
const at = new Date(1_700_000_100_000);

describe.each(DRIVERS)("store on %s", (driver) => {
  let store: Store;
  beforeEach(async () => { store = await freshStore(driver); });
  afterEach(async () => { await store.close(); });

  it("returns a stored job exactly as it was given, with its change number", async () => {
    const j = job("aaaa0001", {
      dependsOn: ["bbbb0001" as JobId], arrayId: "arr00001", replicaIndex: 2, replicaCount: 5, sealedRegistryAuth: "v1.x.y.z",
      labels: { survey: "m31", "pipeline/step": "2" }, retries: 3, throttle: { key: "set:arr00001", max: 4 }, workdir: "/arc/home/alice/run",
      stdoutPath: "/arc/home/alice/run/out.txt", stderrPath: "/arc/home/alice/run/err.txt", diskGB: 31, notifyUrl: "https://hooks.example.org/x",
    });
    const [stored] = await store.jobs.insertMany([j]);
    expect(stored).toEqual({ ...j, updatedSeq: stored!.updatedSeq });
    expect(stored!.updatedSeq).toBeGreaterThan(0);
    expect(await store.jobs.get(j.id)).toEqual(stored);
  });

  it("numbers every change in order, and lists jobs by label, name prefix, change and page (issue 12)", async () => {
    const stored = await store.jobs.insertMany([
      job("lab00001", { name: "sweep-1", labels: { survey: "m31" } }),
      job("lab00002", { name: "sweep-2", labels: { survey: "m31", band: "r" } }),
      job("lab00003", { name: "other", labels: { survey: "m33" } }),
    ]);
    const mark = await store.jobs.lastChangeSeq();
    expect(mark).toBe(stored.at(-1)!.updatedSeq);
    const moved = await store.jobs.transition("lab00002" as JobId, ["queued"], "starting");
    expect(moved!.updatedSeq).toBeGreaterThan(mark);
    const ids = (jobs: readonly Job[]) => jobs.map((x) => x.id);
    expect(ids(await store.jobs.list({ labels: { survey: "m31" } }))).toEqual(["lab00001", "lab00002"]);
    expect(ids(await store.jobs.list({ labels: { survey: "m31", band: "r" } }))).toEqual(["lab00002"]);
    expect(ids(await store.jobs.list({ name: { prefix: "sweep-" } }))).toEqual(["lab00001", "lab00002"]);
    expect(ids(await store.jobs.list({ name: { prefix: "sweep_" } }))).toEqual([]); // '_' is not a wildcard
    expect(ids(await store.jobs.list({ changedAfterSeq: mark }))).toEqual(["lab00002"]);
    const first = await store.jobs.page({ sort: { field: "name", descending: true }, limit: 2 });
    expect(ids(first.jobs)).toEqual(["lab00002", "lab00001"]);
    expect(first.total).toBe(3);
    const second = await store.jobs.page({ sort: { field: "name", descending: true }, limit: 2, cursor: first.nextCursor! });
    expect(ids(second.jobs)).toEqual(["lab00003"]);
    expect(second.nextCursor).toBeNull();
  });

  it("inserts ten thousand jobs in one call, all or none", async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => job(`m${String(i).padStart(7, "0")}`));
    await store.jobs.insertMany(many);
    expect((await store.jobs.listActive()).length).toBe(10_000);
    await expect(store.jobs.insertMany([job("zzzz0001"), job("m0000001")])).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await store.jobs.get("zzzz0001" as JobId)).toBeUndefined();
  });

  it("refuses a move the state machine does not allow, and changes nothing (issue 15)", async () => {
    const [j] = await store.jobs.insertMany([job("ill00001", { state: "succeeded", finishedAt: at })]);
    await expect(store.jobs.transition(j!.id, ["succeeded"], "running")).rejects.toMatchObject({ code: "JOB_ILLEGAL_TRANSITION" });
    await expect(store.jobs.transition(j!.id, ["queued", "terminating"], "succeeded")).rejects.toThrow(/cannot move from queued, terminating to succeeded/);
    expect(await store.jobs.get(j!.id)).toEqual(j);
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

  it("shows every change in the next listing, however often the same listing was read before", async () => {
    const [a, b, c] = await store.jobs.insertMany([job("seen0001"), job("seen0002"), job("seen0003"), job("seen0004")]);
    const visibleAt = new Date(at.getTime() + 1000);
    for (let i = 0; i < 3; i++) expect((await store.jobs.list({ owner: "alice", visibleAt })).map((j) => j.state)).toEqual(["queued", "queued", "queued", "queued"]);
    await store.jobs.transition(a!.id, ["queued"], "starting", { runHandle: "c-1" });
    await store.jobs.update(b!.id, { reason: "held by the operator" });
    await store.jobs.recordUsage(c!.id, { at, cpuCores: 1, ramBytes: 1 }, 7.5);
    await store.jobs.transition("seen0004" as JobId, ["queued"], "cancelled", { finishedAt: at, visibleUntil: at });
    const listed = await store.jobs.list({ owner: "alice", visibleAt });
    expect(listed.map((j) => [j.id, j.state, j.runHandle, j.reason, j.cpuSeconds])).toEqual([
      ["seen0001", "starting", "c-1", null, 0],
      ["seen0002", "queued", null, "held by the operator", 0],
      ["seen0003", "queued", null, null, 7.5],
    ]);
    expect(listed).toEqual(await store.jobs.getMany(listed.map((j) => j.id)).then((js) => js.sort((x, y) => x.submitSeq - y.submitSeq)));
    await store.jobs.purgeFinishedBefore(new Date(at.getTime() + 1), 10);
    expect((await store.jobs.list({ owner: "alice" })).map((j) => j.id)).toEqual(["seen0001", "seen0002", "seen0003"]);
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
    expect(await store.jobs.purgeFinishedBefore(new Date(at.getTime() + 1), 100)).toEqual([{ id: "aaaa0008", attempts: 1 }]);
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

  it("keeps uids and gids one id space: a user's uid is never a group's gid, nor the reverse (issue 11)", async () => {
    await store.users.add({ name: "jack", uid: 40005, groups: [{ name: "proj2", gid: 40006 }] });
    expect(await store.users.nextUid(10_000)).toBe(40007);
    await expect(store.users.add({ name: "frank", uid: 40006, groups: [] })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("40006 is the gid of group proj2") });
    await expect(store.users.add({ name: "eve", uid: 40010, groups: [{ name: "evil", gid: 40005 }] })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("uid 40005 belongs to user jack") });
    await expect(store.users.add({ name: "gail", uid: 40011, groups: [{ name: "mine", gid: 40011 }] })).rejects.toMatchObject({ code: "CONFLICT" });
    await store.users.add({ name: "hal", uid: 40012, groups: [] });
    await expect(store.users.addGroups("hal", [{ name: "sneaky", gid: 40005 }])).rejects.toMatchObject({ code: "CONFLICT" });
    // Refused attempts leave nothing behind.
    expect((await store.users.list()).map((u) => u.name)).toEqual(["hal", "jack"]);
    expect((await store.users.listGroups()).map((g) => g.name)).toEqual(["proj2"]);
    expect(await store.users.idClaims([40005, 40006, 40099])).toEqual([{ id: 40005, kind: "user", name: "jack" }, { id: 40006, kind: "group", name: "proj2" }]);
    expect(await store.users.idCollisions()).toEqual([]);
  });

  it("never hands a removed user's or group's number to someone else, only to the same name (issue 11)", async () => {
    await store.users.add({ name: "alice", uid: 10000, groups: [{ name: "astro", gid: 40001 }] });
    await store.users.add({ name: "bob", uid: 10001, groups: [] });
    expect(await store.users.remove("bob")).toBe(true);
    expect(await store.users.removeGroup("astro")).toBe(true);
    expect(await store.users.removeGroup("astro")).toBe(false);
    expect((await store.users.get("alice"))?.groups).toEqual([]);
    expect(await store.users.nextUid(10_000)).toBe(10002);
    await expect(store.users.add({ name: "carol", uid: 10001, groups: [] })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("removed user bob") });
    await expect(store.users.add({ name: "carol", uid: 10003, groups: [{ name: "other", gid: 40001 }] })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("removed group astro") });
    expect((await store.users.add({ name: "bob", uid: 10001, groups: [{ name: "astro", gid: 40001 }] })).groups).toEqual([{ name: "astro", gid: 40001 }]);
  });

  it("lists uid/gid collisions left from before the rule, and lets an operator resolve them (issue 11)", async () => {
    const target = await persistentTarget(driver);
    const before = await openStore(target.config, target.options);
    await before.users.add({ name: "alice", uid: 10000, groups: [] });
    await before.users.add({ name: "eve", uid: 10001, groups: [] });
    await before.close();
    // Back to the schema before the rule, and what an older skyrun allowed there: a group sharing alice's uid, with eve in it.
    await target.execute("DROP TABLE posix_ids");
    await target.execute("DELETE FROM schema_migrations WHERE version = 3");
    await target.execute("INSERT INTO posix_groups (name, gid, priority) VALUES ('evil', 10000, 0)");
    await target.execute("INSERT INTO group_members (user_name, group_name) VALUES ('eve', 'evil')");
    const s = await openStore(target.config, target.options);
    try {
      expect(await s.users.idCollisions()).toEqual([{ id: 10000, user: "alice", group: "evil", members: ["eve"] }]);
      expect(await s.users.idClaims([10000])).toEqual([{ id: 10000, kind: "group", name: "evil" }, { id: 10000, kind: "user", name: "alice" }]);
      await expect(s.users.add({ name: "mallory", uid: 10005, groups: [{ name: "evil", gid: 10000 }] })).rejects.toMatchObject({ code: "CONFLICT" });
      expect(await s.users.removeGroup("evil")).toBe(true);
      expect(await s.users.idCollisions()).toEqual([]);
      expect(await s.users.idClaims([10000])).toEqual([{ id: 10000, kind: "user", name: "alice" }]);
    } finally {
      await s.close();
    }
  });

  it("numbers the first change after reopening, made inside a transaction, after every stored one (a restart's first event)", async () => {
    const target = await persistentTarget(driver);
    const first = await openStore(target.config, target.options);
    const [stored] = await first.jobs.insertMany([job("aaaa0101", { state: "running" })]);
    await first.close();
    const reopened = await openStore(target.config, target.options);
    try {
      // A transition with an event runs in a transaction; on SQLite's one connection a lazy read of the sequence would wait for ever.
      const moved = await reopened.jobs.transition("aaaa0101" as JobId, ["running"], "succeeded", { exitCode: 0 }, { type: "Normal", reason: "Completed", message: "done", at: new Date() });
      expect(moved!.updatedSeq).toBeGreaterThan(stored!.updatedSeq);
      expect(await reopened.jobs.lastChangeSeq()).toBe(moved!.updatedSeq);
    } finally {
      await reopened.close();
    }
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

  it("tells live views after each committed change, and lists changes in change order up to a number", async () => {
    let told = 0;
    const stop = store.jobs.onChange(() => { told++; });
    const [a, b] = await store.jobs.insertMany([job("chg00001"), job("chg00002", { owner: { username: "bob", uid: 10002, gid: 10002, groups: [] } })]);
    expect(told).toBe(1);
    const moved = await store.jobs.transition(a!.id, ["queued"], "starting");
    expect(told).toBe(2);
    stop();
    expect(await store.jobs.settledChangeSeq()).toBe(moved!.updatedSeq);
    const upToB = await store.jobs.list({ changedAfterSeq: 0, changedUpToSeq: b!.updatedSeq, sort: { field: "changed", descending: false } });
    expect(upToB.map((j) => j.id)).toEqual([b!.id]); // a changed again later, so it is past that number now
    const all = await store.jobs.list({ changedAfterSeq: 0, sort: { field: "changed", descending: false } });
    expect(all.map((j) => j.id)).toEqual([b!.id, a!.id]);
  });

  it("records usage readings and the CPU time without counting them as changes", async () => {
    const [a] = await store.jobs.insertMany([job("use00001")]);
    await store.jobs.recordUsage(a!.id, { at, cpuCores: 0.5, ramBytes: 1_000_000 }, 12.5);
    await store.jobs.recordUsage(a!.id, { at: new Date(at.getTime() + 10_000), cpuCores: 1, ramBytes: 2_000_000 }, 22.5);
    const after = await store.jobs.get(a!.id);
    expect(after?.cpuSeconds).toBe(22.5);
    expect(after?.updatedSeq).toBe(a!.updatedSeq);
    expect(await store.jobs.listUsageSamples(a!.id)).toEqual([
      { at, cpuCores: 0.5, ramBytes: 1_000_000 },
      { at: new Date(at.getTime() + 10_000), cpuCores: 1, ramBytes: 2_000_000 },
    ]);
  });

  it("counts active jobs by owner and state, with the cores they ask for", async () => {
    const bob = { username: "bob", uid: 10002, gid: 10002, groups: [] };
    await store.jobs.insertMany([job("own00001"), job("own00002"), job("own00003", { owner: bob, state: "running" }), job("own00004", { owner: bob, state: "succeeded" })]);
    const rows = await store.jobs.activeByOwner();
    expect(rows).toHaveLength(2);
    expect(rows).toContainEqual({ owner: "alice", state: "queued", jobs: 2, cores: 1 });
    expect(rows).toContainEqual({ owner: "bob", state: "running", jobs: 1, cores: 0.5 });
  });

  it("resumes a live view after its last change, or resets it when that is unknown or too far back", async () => {
    const [first] = await store.jobs.insertMany([job("res00001")]);
    const mine = { owner: "alice" };
    expect(await resumePoint({ store }, mine, String(first!.updatedSeq - 1))).toEqual({ cursor: first!.updatedSeq - 1, reset: false });
    expect((await changesAfter({ store }, mine, first!.updatedSeq - 1)).jobs.map((j) => j.id)).toEqual([first!.id]);
    expect((await changesAfter({ store }, { owner: "bob" }, first!.updatedSeq - 1)).jobs).toEqual([]);
    const now = await store.jobs.settledChangeSeq();
    expect(await resumePoint({ store }, mine, "not-a-number")).toEqual({ cursor: now, reset: true });
    expect(await resumePoint({ store }, mine, String(now + 50))).toEqual({ cursor: now, reset: true });
    await store.jobs.insertMany(Array.from({ length: MAX_REPLAY + 5 }, (_, i) => job(`res1${String(i).padStart(4, "0")}`)));
    const later = await store.jobs.settledChangeSeq();
    expect(await resumePoint({ store }, mine, String(first!.updatedSeq))).toEqual({ cursor: later, reset: true });
    // Another user's changes do not make alice's resume too far back.
    expect(await resumePoint({ store }, { owner: "bob" }, String(first!.updatedSeq))).toEqual({ cursor: first!.updatedSeq, reset: false });
  });

  it("refuses to start on a database migrated by a newer skyrun", async () => {
    const target = await persistentTarget(driver);
    const first = await openStore(target.config, target.options);
    await first.close();
    await target.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)");
    await expect(openStore(target.config, target.options)).rejects.toThrow(/newer than this skyrun/);
  });
});
