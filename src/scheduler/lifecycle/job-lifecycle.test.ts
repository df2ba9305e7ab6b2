import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFaultInjectingExecutor, type FaultInjectingExecutor } from "../../../test/support/fault-injecting-executor.js";
import { createManualClock, type ManualClock } from "../../domain/clock.js";
import { ExecutorError } from "../../domain/errors.js";
import type { JobId } from "../../domain/ids.js";
import { FIRST_ATTEMPT, NEVER, NO_BATCH_OPTIONS, type Job } from "../../domain/job.js";
import type { RunRequest } from "../../executors/executor.js";
import { createDataLayout } from "../../storage/data-layout.js";
import { createJobDirectories } from "../../storage/job-directories.js";
import { openStore } from "../../store/open-store.js";
import type { Store } from "../../store/store.js";
import { CapacityLedger } from "../capacity-ledger.js";
import { JobNotifier } from "../job-notifier.js";
import { demandOf } from "../queue-order.js";
import { createJobLifecycle, type JobLifecycle } from "./job-lifecycle.js";

let seq = 0;
const newJob = (over: Partial<Job> = {}): Job => ({
  id: `lc${String(++seq).padStart(6, "0")}` as JobId,
  owner: { username: "alice", uid: 10001, gid: 10001, groups: [] },
  name: "job", image: "localhost/skyrun-demo:latest", type: "headless", command: ["true"], args: null, env: [],
  resources: { coresRequest: 1, coresLimit: 1, ramRequestGB: 1, ramLimitGB: 1, gpus: 0, fixed: true },
  dependsOn: [], priority: 0, state: "queued", reason: null, exitCode: null, createdAt: new Date(0), startedAt: null, finishedAt: null,
  deadlineSeconds: 600, visibleUntil: NEVER, executor: "local", runHandle: null, arrayId: null, replicaIndex: null, replicaCount: null,
  sealedRegistryAuth: null, submitSeq: seq, ...NO_BATCH_OPTIONS, ...FIRST_ATTEMPT, updatedAt: new Date(0), updatedSeq: 0, ...over,
});

describe("the job lifecycle, with faults a real engine cannot produce on demand", () => {
  let dir: string;
  let store: Store;
  let engine: FaultInjectingExecutor;
  let clock: ManualClock;
  let ledger: CapacityLedger;
  let lifecycle: JobLifecycle;
  const requeued: JobId[] = [];
  const ended: Job[] = [];
  const retried: Job[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "skyrun-lifecycle-"));
    store = await openStore({ driver: "sqlite", path: ":memory:" });
    engine = createFaultInjectingExecutor();
    clock = createManualClock(new Date());
    ledger = new CapacityLedger({ cores: 4, ramGB: 4, gpus: 0 });
    requeued.length = 0;
    ended.length = 0;
    retried.length = 0;
    const dirs = createJobDirectories(createDataLayout(dir, join(dir, "arc")));
    lifecycle = createJobLifecycle({
      store, executor: engine, ledger, notifier: new JobNotifier(), dirs, clock, log: pino({ level: "silent" }),
      buildRunRequest: async (job) => ({ jobId: job.id, image: job.image, logPath: dirs.prepareLog(job.id), deadlineSeconds: job.deadlineSeconds } as unknown as RunRequest),
      requeue: (job) => requeued.push(job.id),
      retry: (job) => retried.push(job),
      ended: (job) => ended.push(job),
    }, { listingTtlSeconds: 3600, maxLogMiB: 256, retryBackoffSeconds: 10, retryMaxBackoffSeconds: 600 });
    await engine.start((e) => void lifecycle.handleRunEvent(e));
  });

  afterEach(async () => {
    lifecycle.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Stores a job, holds its demand as the scheduler would, and launches it. */
  async function launched(over: Partial<Job> = {}): Promise<Job> {
    const job = newJob(over);
    await store.jobs.insertMany([job]);
    ledger.hold(job.id, { demand: demandOf(job), owner: job.owner.username, expectedEndMs: 0, chargedUntilMs: 0 });
    await lifecycle.launch(job.id);
    return (await store.jobs.get(job.id))!;
  }

  it("records an exit that arrives before the submit returns, and frees the capacity", async () => {
    engine.submits.push(async (run) => {
      engine.emit({ kind: "exited", jobId: run.jobId, exitCode: 0, oomKilled: false, at: new Date(), startedAt: new Date() });
      await new Promise((r) => setImmediate(r));
      return { handle: `run-${run.jobId}`, startedAt: new Date() };
    });
    const job = await launched();
    await expect.poll(async () => (await store.jobs.get(job.id))?.state).toBe("succeeded");
    expect(ledger.holds(job.id)).toBe(false);
    expect(ended.map((j) => j.id)).toEqual([job.id]);
    expect(engine.released).toContain(job.id);
  });

  it("puts a job back in the queue when the engine is unavailable for now, with a BackOff event", async () => {
    engine.submits.push(async () => { throw new ExecutorError("EXECUTOR_UNAVAILABLE", "engine down"); });
    engine.available = false;
    const job = await launched();
    expect(job.state).toBe("queued");
    expect(job.reason).toBe("engine down; will retry");
    expect(requeued).toEqual([job.id]);
    expect(ledger.holds(job.id)).toBe(false);
    expect((await store.events.list(job.id)).map((e) => e.reason)).toEqual(["BackOff"]);
  });

  it("fails a job whose launch keeps failing as unavailable while the engine answers, after five attempts", async () => {
    const job = newJob();
    await store.jobs.insertMany([job]);
    for (let i = 0; i < 5; i++) {
      engine.submits.push(async () => { throw new ExecutorError("EXECUTOR_UNAVAILABLE", "socket hang up"); });
      ledger.hold(job.id, { demand: demandOf(job), owner: "alice", expectedEndMs: 0, chargedUntilMs: 0 });
      await lifecycle.launch(job.id);
    }
    const failed = await store.jobs.get(job.id);
    expect(failed?.state).toBe("failed");
    expect(failed?.reason).toBe("could not start after 5 attempts: socket hang up");
    expect(requeued.length).toBe(4);
  });

  it("fails a job the engine rejects, with the engine's words", async () => {
    engine.submits.push(async () => { throw new ExecutorError("EXECUTOR_REJECTED", "image localhost/nope is not available"); });
    const job = await launched();
    expect(job.state).toBe("failed");
    expect(job.reason).toBe("image localhost/nope is not available");
    expect(job.startedAt).toBeNull();
    expect(ledger.holds(job.id)).toBe(false);
  });

  it("stops a run whose job was deleted while its submit was in flight", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    engine.submits.push(async (run) => {
      await gate;
      engine.runStatus.set(run.jobId, { phase: "exited", exitCode: 143, oomKilled: false, startedAt: new Date(), finishedAt: new Date() });
      return { handle: `run-${run.jobId}`, startedAt: new Date() };
    });
    const job = newJob();
    await store.jobs.insertMany([job]);
    ledger.hold(job.id, { demand: demandOf(job), owner: "alice", expectedEndMs: 0, chargedUntilMs: 0 });
    const launching = lifecycle.launch(job.id);
    await expect.poll(async () => (await store.jobs.get(job.id))?.state).toBe("starting");
    expect((await lifecycle.delete((await store.jobs.get(job.id))!)).state).toBe("terminating");
    release();
    await launching;
    await expect.poll(async () => (await store.jobs.get(job.id))?.state).toBe("cancelled");
    expect(engine.cancelled).toContain(job.id);
  });

  it("stops a run at its deadline, and its exit reads DeadlineExceeded", async () => {
    const job = await launched({ deadlineSeconds: 60 });
    expect(job.state).toBe("running");
    clock.advance(61_000);
    await expect.poll(() => engine.cancelled).toContain(job.id);
    engine.emit({ kind: "exited", jobId: job.id, exitCode: 143, oomKilled: false, at: clock.now(), startedAt: job.startedAt });
    await expect.poll(async () => (await store.jobs.get(job.id))?.reason).toBe("DeadlineExceeded: active longer than 60s");
  });

  it("reconciles runs that vanished: a running job is lost, a starting one is queued again", async () => {
    const running = await launched();
    const starting = newJob({ state: "starting" });
    await store.jobs.insertMany([starting]);
    engine.runStatus.clear();
    await lifecycle.reconcile();
    const lost = await store.jobs.get(running.id);
    expect(lost?.state).toBe("failed");
    expect(lost?.reason).toMatch(/^Lost: /);
    expect((await store.jobs.get(starting.id))?.state).toBe("queued");
    expect(requeued).toContain(starting.id);
  });

  it("retries a failed attempt of a job that asked for it, keeping the attempt, and never a deleted one (issue 12)", async () => {
    const job = await launched({ retries: 2 });
    writeFileSync(join(dir, "logs", job.id.slice(0, 2), `${job.id}.log`), "first attempt's output\n");
    engine.emit({ kind: "exited", jobId: job.id, exitCode: 3, oomKilled: false, at: clock.now(), startedAt: job.startedAt });
    await expect.poll(() => retried.map((j) => j.id)).toEqual([job.id]);
    const next = (await store.jobs.get(job.id))!;
    expect(next).toMatchObject({ state: "queued", attempt: 2, exitCode: null, startedAt: null });
    expect(next.retryAt!.getTime()).toBe(clock.now().getTime() + 10_000);
    expect(next.reason).toMatch(/^Attempt 1 of 3 failed \(Error: container exited with code 3\); attempt 2 starts after /);
    expect(await store.jobs.listAttempts(job.id)).toEqual([{ attempt: 1, startedAt: job.startedAt, finishedAt: expect.any(Date), exitCode: 3, reason: "Error: container exited with code 3" }]);
    expect(readFileSync(join(dir, "logs", job.id.slice(0, 2), `${job.id}.attempt-1.log`), "utf8")).toBe("first attempt's output\n");
    expect(ledger.holds(job.id)).toBe(false);
    expect(engine.released).toContain(job.id);

    // The second attempt is deleted while it runs: it ends cancelled, with no third attempt.
    ledger.hold(job.id, { demand: demandOf(next), owner: "alice", expectedEndMs: 0, chargedUntilMs: 0 });
    await lifecycle.launch(job.id);
    const second = (await store.jobs.get(job.id))!;
    expect(second).toMatchObject({ state: "running", attempt: 2 });
    await lifecycle.delete(second);
    engine.emit({ kind: "exited", jobId: job.id, exitCode: 143, oomKilled: false, at: clock.now(), startedAt: second.startedAt });
    await expect.poll(async () => (await store.jobs.get(job.id))?.state).toBe("cancelled");
    expect(retried).toHaveLength(1);
  });

  it("fails a job once its retries are used up, with the last attempt's reason", async () => {
    const job = await launched({ retries: 1, attempt: 2 });
    engine.emit({ kind: "exited", jobId: job.id, exitCode: 1, oomKilled: false, at: clock.now(), startedAt: job.startedAt });
    await expect.poll(async () => (await store.jobs.get(job.id))?.state).toBe("failed");
    expect(retried).toEqual([]);
  });

  it("finishes a deleted job whose run the engine no longer knows", async () => {
    const job = await launched();
    engine.runStatus.delete(job.id);
    await lifecycle.delete(job);
    await expect.poll(async () => (await store.jobs.get(job.id))?.state).toBe("cancelled");
  });
});
