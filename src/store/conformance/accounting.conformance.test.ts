import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dayOf } from "../../domain/accounting-days.js";
import type { JobId } from "../../domain/ids.js";
import { historyEntryOf } from "../../domain/job-history.js";
import { FIRST_ATTEMPT, NEVER, NO_BATCH_OPTIONS, type Job } from "../../domain/job.js";
import type { OutboxMessage } from "../accounting-store.js";
import type { Store } from "../store.js";
import { DRIVERS, freshStore } from "./store-factory.js";

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0); // 2026-11-20 10:00 UTC
const HOUR = 3_600_000;
let seq = 0;
const job = (id: string, over: Partial<Job> = {}): Job => ({
  id: id as JobId,
  owner: { username: "alice", uid: 10001, gid: 10001, groups: [30001, 30002] },
  name: `job-${id}`,
  image: "localhost/skyrun-demo:latest",
  type: "headless",
  command: ["sh"],
  args: ["-c", "true"],
  env: [],
  resources: { coresRequest: 2, coresLimit: 2, ramRequestGB: 4, ramLimitGB: 4, gpus: 0, fixed: true },
  dependsOn: [],
  priority: 0,
  state: "succeeded",
  reason: null,
  exitCode: 0,
  createdAt: new Date(T0 - HOUR),
  startedAt: new Date(T0),
  finishedAt: new Date(T0 + HOUR),
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
  updatedAt: new Date(T0 + HOUR),
  updatedSeq: 0,
  submitSeq: ++seq,
  ...over,
});

const GROUPS = new Map([[30001, "astro"], [30002, "survey"]]);

/** Records every unrecorded ending as the recorder does, and returns how many were new. */
async function recordAll(store: Store, messages: OutboxMessage[] = []): Promise<number> {
  const endings = await store.jobs.lastChangeSeq().then(() => store.accounting.listUnrecorded(0, 1000));
  const firsts = await store.accounting.firstSubmitSeqs(endings.flatMap((e) => (e.job.arrayId ? [e.job.arrayId] : [])));
  const entries = endings.map((e) => historyEntryOf(e.job, e, { groupNames: GROUPS, setFirstSubmitSeq: e.job.arrayId ? firsts.get(e.job.arrayId) : undefined }));
  return store.accounting.record(entries, messages);
}

const message = (key: string, over: Partial<OutboxMessage> = {}): OutboxMessage => ({
  id: `d-${key.replace(/\W/g, "")}`, dedupKey: key, owner: "alice", url: "http://127.0.0.1:9/hook", event: "session.ended", body: `{"key":"${key}"}`, createdAt: new Date(T0), ...over,
});

describe.each(DRIVERS)("accounting store on %s", (driver) => {
  let store: Store;
  beforeEach(async () => { store = await freshStore(driver); });
  afterEach(async () => { await store.close(); });

  it("records each ended job once with its daily sums, however often it is recorded (issue 12)", async () => {
    await store.jobs.insertMany([
      job("acct0001"),
      job("acct0002", { state: "failed", exitCode: 3, finishedAt: new Date(T0 + 2 * HOUR) }),
      job("acct0003", { state: "running", finishedAt: null, exitCode: null }),
      job("acct0004", { state: "cancelled", startedAt: null, exitCode: null, finishedAt: new Date(T0) }),
    ]);
    expect((await store.accounting.listUnrecorded(0, 100)).map((e) => e.job.id)).toEqual(["acct0001", "acct0002", "acct0004"]);
    expect(await recordAll(store)).toBe(3);
    expect(await recordAll(store)).toBe(0);
    expect(await store.accounting.listUnrecorded(0, 100)).toEqual([]);
    const entry = (await store.accounting.history({ fromDay: dayOf(new Date(T0)), toDay: dayOf(new Date(T0)), limit: 10 })).entries;
    expect(entry.map((e) => e.jobId)).toEqual(["acct0004", "acct0001", "acct0002"]);
    expect(entry[1]).toMatchObject({ owner: "alice", groups: ["astro", "survey"], wallSeconds: 3600, coreSeconds: 7200, cpuSeconds: null, attempts: 1, outcome: "succeeded", clusterId: "acct0001", procId: 0 });
    const [bucket] = await store.accounting.usage({ fromDay: dayOf(new Date(T0)), toDay: dayOf(new Date(T0)), by: "user" });
    expect(bucket).toEqual({
      key: "alice", day: dayOf(new Date(T0)), jobs: 3, failures: 1, wallSeconds: 3600 + 7200, coreSeconds: 2 * 10_800, gpuSeconds: 0,
      ramGBSeconds: 4 * 10_800, cpuSeconds: 0, sampledCoreSeconds: 0,
    });
  });

  it("counts every attempt's wall time, and CPU time only for jobs with usage samples (issue 12)", async () => {
    await store.jobs.insertMany([
      job("retr0001", { attempt: 2, retries: 1, cpuSeconds: 1800 }),
      job("idle0001", { cpuSeconds: 0 }),
    ]);
    await store.jobs.recordAttempt("retr0001" as JobId, { attempt: 1, startedAt: new Date(T0 - 3 * HOUR), finishedAt: new Date(T0 - 2 * HOUR), exitCode: 1, reason: "Error" });
    await store.jobs.addUsageSamples([
      { jobId: "retr0001" as JobId, at: new Date(T0 + 60_000), cpuCores: 0.5, ramBytes: 1_000_000 },
      { jobId: "retr0001" as JobId, at: new Date(T0 + 120_000), cpuCores: 0.5, ramBytes: 3_000_000 },
      { jobId: "idle0001" as JobId, at: new Date(T0 + 60_000), cpuCores: 0, ramBytes: 5 },
    ]);
    const [retried, idle] = await store.accounting.listUnrecorded(0, 10);
    expect(retried).toMatchObject({ sampled: true, peakRamBytes: 3_000_000, earlierAttempts: [{ attempt: 1, exitCode: 1 }] });
    expect(idle).toMatchObject({ sampled: true, peakRamBytes: 5 });
    await recordAll(store);
    const { entries } = await store.accounting.history({ fromDay: 0, toDay: 100_000, limit: 10 });
    expect(entries.find((e) => e.jobId === "retr0001")).toMatchObject({ attempts: 2, wallSeconds: 7200, coreSeconds: 14_400, cpuSeconds: 1800, peakRamBytes: 3_000_000, startedAt: new Date(T0 - 3 * HOUR) });
    const [b] = await store.accounting.usage({ fromDay: 0, toDay: 100_000, by: "user" });
    // Efficiency is CPU time over the core-seconds of the sampled jobs: the idle one's 0 counts, it is known.
    expect(b).toMatchObject({ cpuSeconds: 1800, sampledCoreSeconds: 14_400 + 7200 });
  });

  it("sums usage by each group of the owner, by project, by image and by label, the jobs without the label under '' (issue 12)", async () => {
    const bob = { username: "bob", uid: 10002, gid: 10002, groups: [30002] };
    await store.jobs.insertMany([
      job("grp00001", { workdir: "/arc/projects/astro/run", labels: { survey: "m31" } }),
      job("grp00002", { owner: bob, image: "images.example.org/x:1", labels: { survey: "m31", project: "survey" } }),
      job("grp00003", { owner: bob, labels: { project: "astro" } }), // bob is not in astro: not charged there
      job("grp00004", { finishedAt: new Date(T0 + 30 * HOUR), labels: { survey: "m33" } }),
    ]);
    await recordAll(store);
    const all = { fromDay: 0, toDay: 100_000 };
    const byKey = async (by: Parameters<Store["accounting"]["usage"]>[0]["by"], owner?: string) =>
      Object.fromEntries((await store.accounting.usage({ ...all, by, owner })).map((b) => [`${b.key}@${b.day - dayOf(new Date(T0))}`, b.jobs]));
    expect(await byKey("group")).toEqual({ "astro@0": 1, "survey@0": 3, "astro@1": 1, "survey@1": 1 });
    expect(await byKey("project")).toEqual({ "astro@0": 1, "survey@0": 1, "@0": 1, "@1": 1 });
    expect(await byKey("image")).toEqual({ "localhost/skyrun-demo:latest@0": 2, "images.example.org/x:1@0": 1, "localhost/skyrun-demo:latest@1": 1 });
    expect(await byKey({ label: "survey" })).toEqual({ "m31@0": 2, "@0": 1, "m33@1": 1 });
    expect(await byKey({ label: "survey" }, "bob")).toEqual({ "m31@0": 1, "@0": 1 });
    expect(await byKey("user", "bob")).toEqual({ "bob@0": 2 });
    // Totals count each job once, though grouped by group the jobs show in 6 rows.
    expect((await store.accounting.usageTotals(all)).jobs).toBe(4);
    expect((await store.accounting.usageTotals({ ...all, owner: "bob" })).jobs).toBe(2);
    expect(await store.accounting.usageTotals({ fromDay: 0, toDay: 1 })).toMatchObject({ jobs: 0, coreSeconds: 0 });
  });

  it("pages the per-job history in order of end, for one owner or everyone, and keeps it after the job is purged (issue 12)", async () => {
    const jobs = Array.from({ length: 5 }, (_, i) => job(`hist000${i}`, { finishedAt: new Date(T0 + i * 1000), owner: { username: i % 2 ? "bob" : "alice", uid: 10001 + (i % 2), gid: 10001, groups: [] } }));
    await store.jobs.insertMany(jobs);
    await recordAll(store);
    expect(await store.jobs.purgeFinishedBefore(new Date(T0 + HOUR * 100), 100)).toHaveLength(5);
    const day = dayOf(new Date(T0));
    const first = await store.accounting.history({ fromDay: day, toDay: day, limit: 2 });
    expect(first.entries.map((e) => e.jobId)).toEqual(["hist0000", "hist0001"]);
    const second = await store.accounting.history({ fromDay: day, toDay: day, limit: 2, cursor: first.nextCursor! });
    expect(second.entries.map((e) => e.jobId)).toEqual(["hist0002", "hist0003"]);
    const third = await store.accounting.history({ fromDay: day, toDay: day, limit: 2, cursor: second.nextCursor! });
    expect(third).toMatchObject({ entries: [{ jobId: "hist0004" }], nextCursor: null });
    expect((await store.accounting.history({ fromDay: day, toDay: day, owner: "bob", limit: 10 })).entries.map((e) => e.jobId)).toEqual(["hist0001", "hist0003"]);
    expect((await store.accounting.history({ fromDay: day + 1, toDay: day + 9, limit: 10 })).entries).toEqual([]);
    await expect(store.accounting.history({ fromDay: day, toDay: day, limit: 2, cursor: "nonsense" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("numbers the sessions of a set from 0 as HTCondor's process ids, and counts the set by outcome over kept and purged sessions (issue 12)", async () => {
    const members = Array.from({ length: 4 }, (_, i) => job(`set0000${i}`, {
      arrayId: "setaaaa1", replicaIndex: i + 1, replicaCount: 4, name: `sweep-${i + 1}`, submitSeq: 1000 + i, labels: { "htcondor.cluster": "77" },
      state: i === 3 ? "running" : i === 2 ? "failed" : "succeeded", finishedAt: i === 3 ? null : new Date(T0 + i * 1000),
    }));
    await store.jobs.insertMany(members);
    await recordAll(store);
    expect(await store.jobs.purgeFinishedBefore(new Date(T0 + 500), 100)).toEqual([{ id: "set00000", attempts: 1 }]);
    expect(await store.accounting.setProgress("setaaaa1")).toEqual({
      total: 4, active: 1, succeeded: 2, failed: 1, cancelled: 0, firstCreatedAt: new Date(T0 - HOUR), lastFinishedAt: new Date(T0 + 2000), firstName: "sweep-2",
    });
    expect(await store.accounting.firstSubmitSeqs(["setaaaa1", "nosuchst"])).toEqual(new Map([["setaaaa1", 1000]]));
    const { entries } = await store.accounting.history({ fromDay: 0, toDay: 100_000, limit: 10 });
    expect(entries.map((e) => [e.clusterId, e.procId])).toEqual([["77", 0], ["77", 1], ["77", 2]]);
    expect(await store.accounting.setProgress("nosuchst")).toMatchObject({ total: 0, firstName: null });
  });

  it("queues one notification per key even when asked twice, and records each attempt once (issue 12)", async () => {
    await store.jobs.insertMany([job("ntfy0001")]);
    const endings = await store.accounting.listUnrecorded(0, 10);
    const entries = endings.map((e) => historyEntryOf(e.job, e, { groupNames: GROUPS }));
    await store.accounting.record(entries, [message("session:ntfy0001")]);
    await store.accounting.record(entries, [message("session:ntfy0001", { id: "d-other", body: "{}" })]);
    const queued = await store.notifications.due(new Date(T0), 10);
    expect(queued).toEqual([expect.objectContaining({ id: "d-sessionntfy0001", state: "pending", attempts: 0, body: '{"key":"session:ntfy0001"}' })]);
    expect(await store.notifications.due(new Date(T0 - 1), 10)).toEqual([]);
    expect(await store.notifications.nextDueAt()).toEqual(new Date(T0));
    const retryAt = new Date(T0 + 2000);
    expect(await store.notifications.recordAttempt("d-sessionntfy0001", 0, { at: new Date(T0), status: 503, error: "HTTP 503", next: { state: "pending", at: retryAt } })).toBe(true);
    // The same attempt reported twice (a race) counts once.
    expect(await store.notifications.recordAttempt("d-sessionntfy0001", 0, { at: new Date(T0), status: 503, error: "HTTP 503", next: { state: "pending", at: retryAt } })).toBe(false);
    expect(await store.notifications.nextDueAt()).toEqual(retryAt);
    expect(await store.notifications.recordAttempt("d-sessionntfy0001", 1, { at: retryAt, status: 204, error: null, next: { state: "delivered" } })).toBe(true);
    expect(await store.notifications.get("d-sessionntfy0001")).toMatchObject({ state: "delivered", attempts: 2, lastStatus: 204, deliveredAt: retryAt });
    expect(await store.notifications.nextDueAt()).toBeNull();
    await store.accounting.record([], [message("set:abc", { owner: "bob", createdAt: new Date(T0 + 5) })]);
    expect((await store.notifications.list({ limit: 10 })).map((m) => m.dedupKey)).toEqual(["set:abc", "session:ntfy0001"]);
    expect((await store.notifications.list({ owner: "alice", limit: 10 })).map((m) => m.dedupKey)).toEqual(["session:ntfy0001"]);
    expect(await store.notifications.pruneBefore(new Date(T0 + 100))).toBe(1); // the delivered one; pending ones stay
    expect((await store.notifications.list({ limit: 10 })).map((m) => m.dedupKey)).toEqual(["set:abc"]);
  });

  it("lists an owner's jobs compactly for the batch view, in submission order (issue 12)", async () => {
    await store.jobs.insertMany([
      job("btch0001", { arrayId: "s1", replicaIndex: 1, labels: { dag: "d" }, state: "queued", finishedAt: null }),
      job("btch0002", { owner: { username: "bob", uid: 2, gid: 2, groups: [] } }),
      job("btch0003"),
    ]);
    const members = await store.batches.members("alice");
    expect(members.map((m) => m.id)).toEqual(["btch0001", "btch0003"]);
    expect(members[0]).toMatchObject({ setId: "s1", replicaIndex: 1, labels: { dag: "d" }, state: "queued", name: "job-btch0001", visibleUntil: NEVER });
  });
});
