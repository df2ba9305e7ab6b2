import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../../../test/support/http.js";
import { DEMO_IMAGE } from "../../../test/support/paths.js";
import type { JobId } from "../../domain/ids.js";
import { readLog } from "../../storage/log-reader.js";
import { canExtendDeadline, type Executor, type RunEvent, type RunRequest } from "../executor.js";
import { logPathOf, podmanEngine, slurmEngine, type EngineUnderTest } from "./engines.js";

/**
 * One suite for every engine behind the Executor interface (issue 15): the same runs,
 * the same expectations, on real Podman and on the real Slurm test cluster. What an
 * engine cannot do is a capability, asserted either way.
 */
const ENGINES: readonly [string, () => Promise<EngineUnderTest>][] = [["podman", podmanEngine], ["slurm", slurmEngine]];

let seq = 0;
const newJobId = (): JobId => `cf${Date.now().toString(36).slice(-4)}${(seq++).toString(36).padStart(2, "0")}` as JobId;

describe.each(ENGINES)("the %s executor", (_name, startEngine) => {
  let engine: EngineUnderTest;
  let executor: Executor;
  const events: RunEvent[] = [];

  beforeAll(async () => {
    engine = await startEngine();
    executor = await engine.open();
    await executor.start((e) => events.push(e));
  }, 20 * 60_000);
  afterAll(async () => {
    await executor.close();
    await engine.stop();
  }, 180_000);

  function runRequest(argv: string[], over: Partial<RunRequest> = {}): RunRequest {
    const jobId = newJobId();
    const scratch = join(engine.dataDir, "scratch", jobId);
    mkdirSync(scratch, { recursive: true });
    return {
      jobId, attempt: 1, image: DEMO_IMAGE, command: [argv[0]!], args: argv.slice(1), env: [["GREETING", "a=b c"]],
      owner: { username: "conform", uid: 20077, gid: 20077, groups: [] },
      accounts: { user: { name: "conform", uid: 20077, gid: 20077, home: "/tmp", shell: "/bin/sh" }, groups: [{ name: "conform", gid: 20077 }] },
      resources: { coresRequest: 1, coresLimit: 1, ramRequestGB: 0.5, ramLimitGB: 0.5, gpus: 0, fixed: true },
      hostname: "conform", workingDir: "/tmp", mounts: [{ source: scratch, target: "/scratch", readOnly: false }],
      logPath: logPathOf(engine.dataDir, jobId), deadlineSeconds: 600, registryAuth: null, ...over,
    };
  }

  const exitOf = (jobId: JobId) => waitUntil(`the exit of ${jobId}`, async () => {
    const e = events.find((x) => x.jobId === jobId && x.kind === "exited");
    return e?.kind === "exited" ? e : undefined;
  }, engine.patienceMs);
  const startOf = (jobId: JobId) => waitUntil(`the start of ${jobId}`, async () => events.find((x) => x.jobId === jobId && x.kind === "started"), engine.patienceMs);
  const logOf = async (run: RunRequest) => text(readLog(run.logPath, executor.logFormat));

  it("runs argv as given and reports exit code 0, with stdout and stderr in the log in the order each was written", async () => {
    const run = runRequest(["sh", "-c", 'echo "one $GREETING"; echo two >&2; echo three; echo four >&2']);
    await executor.submit(run);
    expect((await exitOf(run.jobId)).exitCode).toBe(0);
    const lines = (await logOf(run)).split("\n").filter(Boolean);
    if (engine.capabilities.ordersAcrossStreams) expect(lines).toEqual(["one a=b c", "two", "three", "four"]);
    else {
      expect(lines.filter((l) => l === "one a=b c" || l === "three")).toEqual(["one a=b c", "three"]);
      expect(lines.filter((l) => l === "two" || l === "four")).toEqual(["two", "four"]);
      expect(lines).toHaveLength(4);
    }
    await executor.release({ jobId: run.jobId, handle: null });
  });

  it("reports the program's own non-zero exit code", async () => {
    const run = runRequest(["sh", "-c", "exit 3"]);
    await executor.submit(run);
    expect((await exitOf(run.jobId)).exitCode).toBe(3);
    await executor.release({ jobId: run.jobId, handle: null });
  });

  it("runs a retried submit once: submitting the same run again adopts the first", async () => {
    const run = runRequest(["sh", "-c", "sleep 2; echo once"]);
    const first = await executor.submit(run);
    const second = await executor.submit(run);
    expect(second.handle).toBe(first.handle);
    await exitOf(run.jobId);
    expect(await engine.runsOf(run.jobId)).toBe(1);
    expect(await logOf(run)).toBe("once\n");
    await executor.release({ jobId: run.jobId, handle: first.handle });
  });

  it("stops a running run when cancelled, and reports how it ended", async () => {
    const run = runRequest(["sleep", "300"]);
    const { handle } = await executor.submit(run);
    await startOf(run.jobId);
    await executor.cancel({ jobId: run.jobId, handle });
    const exit = await exitOf(run.jobId);
    expect(exit.exitCode).not.toBe(0);
    expect((await executor.statuses([{ jobId: run.jobId, handle }])).get(run.jobId)?.phase).toBe("exited");
    await executor.release({ jobId: run.jobId, handle });
    await executor.cancel({ jobId: run.jobId, handle }); // idempotent on a finished run
  });

  it("cancels a run while it still waits (on an engine with a queue), or starts what it accepts at once", async () => {
    if (engine.capabilities.queuesRuns) {
      // Fill every core of the cluster, then one more waits in the engine's queue.
      const fillers = [0, 1].map(() => runRequest(["sleep", "300"], { resources: { coresRequest: 4, coresLimit: 4, ramRequestGB: 0.5, ramLimitGB: 0.5, gpus: 0, fixed: true } }));
      const handles = await Promise.all(fillers.map((r) => executor.submit(r)));
      const waiting = runRequest(["sh", "-c", "echo should-not-run"]);
      const { handle, startedAt } = await executor.submit(waiting);
      expect(startedAt).toBeNull();
      await waitUntil("the run to wait in the engine's queue", async () => events.find((e) => e.jobId === waiting.jobId && e.kind === "pending"), engine.patienceMs);
      await executor.cancel({ jobId: waiting.jobId, handle });
      expect((await exitOf(waiting.jobId)).exitCode).toBeLessThan(0); // it never ran
      for (const [i, r] of fillers.entries()) await executor.cancel({ jobId: r.jobId, handle: handles[i]!.handle });
      for (const r of [...fillers, waiting]) {
        await exitOf(r.jobId);
        await executor.release({ jobId: r.jobId, handle: null });
      }
    } else {
      const run = runRequest(["true"]);
      expect((await executor.submit(run)).startedAt).not.toBeNull();
      await exitOf(run.jobId);
      await executor.release({ jobId: run.jobId, handle: null });
    }
  });

  it("enforces the run's deadline itself (Slurm's time limit), or leaves it to skyrun's lifecycle", async () => {
    if (engine.capabilities.enforcesDeadline) {
      // Slurm counts whole minutes: a 60-second deadline ends a run that would sleep for five.
      const run = runRequest(["sleep", "300"], { deadlineSeconds: 60 });
      await executor.submit(run);
      const exit = await waitUntil(`the deadline of ${run.jobId}`, async () => {
        const e = events.find((x) => x.jobId === run.jobId && x.kind === "exited");
        return e?.kind === "exited" ? e : undefined;
      }, 240_000);
      expect(exit.reason).toMatch(/^DeadlineExceeded/);
      await executor.release({ jobId: run.jobId, handle: null });
    } else {
      const run = runRequest(["sh", "-c", "sleep 3; echo outlived"], { deadlineSeconds: 1 });
      await executor.submit(run);
      expect((await exitOf(run.jobId)).exitCode).toBe(0);
      expect(await logOf(run)).toBe("outlived\n");
      await executor.release({ jobId: run.jobId, handle: null });
    }
  }, 300_000);

  it("moves a run's deadline on the engine, or has no deadline of its own to move", async () => {
    expect(canExtendDeadline(executor)).toBe(engine.capabilities.extendsDeadline);
    if (!canExtendDeadline(executor)) return;
    const run = runRequest(["sleep", "300"]);
    const { handle } = await executor.submit(run);
    await startOf(run.jobId);
    await executor.extendDeadline({ jobId: run.jobId, handle }, 7200);
    await executor.cancel({ jobId: run.jobId, handle });
    await exitOf(run.jobId);
    await executor.release({ jobId: run.jobId, handle });
  });

  it("is adopted by a new executor instance after a restart: a live run keeps running, and its end is reported", async () => {
    const run = runRequest(["sh", "-c", "sleep 4; exit 4"]);
    const { handle } = await executor.submit(run);
    await startOf(run.jobId);
    await executor.close();
    executor = await engine.open();
    const seen: RunEvent[] = [];
    await executor.start((e) => { seen.push(e); events.push(e); });
    expect(["running", "exited"]).toContain((await executor.statuses([{ jobId: run.jobId, handle }])).get(run.jobId)?.phase);
    const exit = await waitUntil("the adopted run's exit", async () => {
      const st = (await executor.statuses([{ jobId: run.jobId, handle }])).get(run.jobId);
      return st?.phase === "exited" ? st : undefined;
    }, engine.patienceMs);
    expect(exit.exitCode).toBe(4);
    await executor.release({ jobId: run.jobId, handle });
  });

  it("measures a running run's CPU and memory, or says it cannot", async () => {
    const run = runRequest(["sh", "-c", "while :; do :; done"]);
    const { handle } = await executor.submit(run);
    try {
      await startOf(run.jobId);
      if (engine.capabilities.reportsUsage) {
        const usage = await waitUntil("a CPU reading", async () => {
          const u = await executor.usage({ jobId: run.jobId, handle });
          return u && u.cpuCores > 0.2 ? u : undefined;
        }, engine.patienceMs, 500);
        expect(usage.ramBytes).toBeGreaterThan(0);
        expect(usage.cpuCores).toBeLessThanOrEqual(1.2); // its limit is one core
      } else {
        expect(await executor.usage({ jobId: run.jobId, handle })).toBeUndefined();
      }
    } finally {
      // Even when an expectation fails: a busy loop left running would slow every later test.
      await executor.cancel({ jobId: run.jobId, handle });
      await exitOf(run.jobId);
      await executor.release({ jobId: run.jobId, handle });
    }
  });

  it("reports a run it never had as vanished", async () => {
    const ghost = newJobId();
    expect((await executor.statuses([{ jobId: ghost, handle: null }])).get(ghost)?.phase).toBe("vanished");
    await executor.release({ jobId: ghost, handle: null }); // idempotent on an unknown run
  });
});
