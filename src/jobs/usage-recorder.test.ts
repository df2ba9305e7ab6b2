import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createManualClock, type ManualClock } from "../domain/clock.js";
import type { JobId } from "../domain/ids.js";
import { FIRST_ATTEMPT, NEVER, NO_BATCH_OPTIONS, type Job } from "../domain/job.js";
import type { SessionUsage } from "../domain/session-usage.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import type { UsageReader } from "./usage-reader.js";
import { UsageRecorder } from "./usage-recorder.js";

const job = (id: string, over: Partial<Job> = {}): Job => ({
  id: id as JobId, owner: { username: "alice", uid: 10001, gid: 10001, groups: [] }, name: id, image: "localhost/demo:latest", type: "headless",
  command: null, args: null, env: [], resources: { coresRequest: 1, coresLimit: 1, ramRequestGB: 1, ramLimitGB: 1, gpus: 0, fixed: true },
  dependsOn: [], priority: 0, state: "running", reason: null, exitCode: null, createdAt: new Date("2026-01-01T00:00:00Z"),
  startedAt: new Date("2026-01-01T00:00:05Z"), finishedAt: null, deadlineSeconds: 3600, visibleUntil: NEVER, executor: "local", runHandle: "c1",
  arrayId: null, replicaIndex: null, replicaCount: null, sealedRegistryAuth: null, submitSeq: 1, ...NO_BATCH_OPTIONS, ...FIRST_ATTEMPT,
  updatedAt: new Date("2026-01-01T00:00:05Z"), updatedSeq: 0, ...over,
});

/** The engine's answers, scripted: the one part of the recorder's world not real here. */
function scriptedEngine(readings: Map<string, SessionUsage>): UsageReader {
  return { engineTimeoutMs: 1000, read: async (jobs) => new Map(jobs.flatMap((j) => { const r = readings.get(j.id); return r ? [[j.id, r] as const] : []; })) };
}

describe("usage recorder", () => {
  let store: Store;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = createManualClock(new Date("2026-01-01T00:00:00Z"));
    store = await openStore({ driver: "sqlite", path: ":memory:" }, { clock });
  });
  afterEach(async () => { await store.close(); });

  it("stores a reading of each running session and keeps its CPU time from the engine's cumulative count", async () => {
    await store.jobs.insertMany([job("run00001")]);
    const readings = new Map<string, SessionUsage>([["run00001", { cpuCores: 0.5, ramBytes: 1000, cpuSeconds: 3 }]]);
    const recorder = new UsageRecorder({ store, usage: scriptedEngine(readings), clock, onError: (e) => { throw e; } });
    clock.advance(10_000);
    await recorder.sampleOnce();
    expect((await store.jobs.get("run00001" as JobId))?.cpuSeconds).toBe(3);
    readings.set("run00001", { cpuCores: 1, ramBytes: 2000, cpuSeconds: 13 });
    clock.advance(10_000);
    await recorder.sampleOnce();
    const after = await store.jobs.get("run00001" as JobId);
    expect(after?.cpuSeconds).toBe(13);
    expect((await store.jobs.listUsageSamples("run00001" as JobId)).map((s) => s.cpuCores)).toEqual([0.5, 1]);
  });

  it("adds a retry's CPU time to the attempts before it, and does not count a run twice after a restart", async () => {
    await store.jobs.insertMany([job("ret00001", { attempt: 2, cpuSeconds: 7 }), job("old00001", { cpuSeconds: 20, startedAt: new Date("2025-12-31T23:00:00Z") })]);
    const readings = new Map<string, SessionUsage>([["ret00001", { cpuCores: 1, ramBytes: 1, cpuSeconds: 4 }], ["old00001", { cpuCores: 1, ramBytes: 1, cpuSeconds: 25 }]]);
    const recorder = new UsageRecorder({ store, usage: scriptedEngine(readings), clock, onError: (e) => { throw e; } });
    clock.advance(10_000);
    await recorder.sampleOnce();
    expect((await store.jobs.get("ret00001" as JobId))?.cpuSeconds).toBe(11);
    // Started before this server: counted up to its last reading already; counting resumes from here.
    expect((await store.jobs.get("old00001" as JobId))?.cpuSeconds).toBe(20);
    readings.set("old00001", { cpuCores: 1, ramBytes: 1, cpuSeconds: 35 });
    clock.advance(10_000);
    await recorder.sampleOnce();
    expect((await store.jobs.get("old00001" as JobId))?.cpuSeconds).toBe(30);
  });

  it("counts cores × time when the engine gives no cumulative CPU time, and samples on its clock", async () => {
    await store.jobs.insertMany([job("rate0001", { startedAt: new Date("2026-01-01T00:00:01Z") })]);
    const readings = new Map<string, SessionUsage>([["rate0001", { cpuCores: 2, ramBytes: 1 }]]);
    const recorder = new UsageRecorder({ store, usage: scriptedEngine(readings), clock, onError: (e) => { throw e; } });
    recorder.start();
    clock.advance(10_000);
    await new Promise((r) => setTimeout(r, 50));
    clock.advance(10_000);
    await new Promise((r) => setTimeout(r, 50));
    recorder.close();
    expect(clock.pendingTimers).toBe(0);
    expect((await store.jobs.listUsageSamples("rate0001" as JobId))).toHaveLength(2);
    expect((await store.jobs.get("rate0001" as JobId))?.cpuSeconds).toBe(20);
  });
});
