import { createManualClock } from "../../src/domain/clock.js";
import type { JobId } from "../../src/domain/ids.js";
import { CapacityLedger } from "../../src/scheduler/capacity-ledger.js";
import { FairShare } from "../../src/scheduler/fair-share.js";
import type { QueueEntry } from "../../src/scheduler/queue-order.js";
import { Scheduler } from "../../src/scheduler/scheduler.js";
import { step } from "../harness/progress.js";
import { round, summarize } from "../harness/stats.js";
import { SIZES, type BenchContext, type ScenarioResult } from "./bench-context.js";

const USERS = 1000;
const CORES = 64;
/** Decisions before the measured ones: the server's scheduler runs warm (JIT-compiled), not its first pass. */
const WARM_UP = 50;

/**
 * One admission decision with a long queue: skyrun's own scheduler (the class the
 * server runs, in this process, without HTTP or store), N queued one-core jobs of
 * 1,000 users with unequal priorities, a full machine; each sample frees one core and
 * times the pass that admits the next job. Settings are the server's defaults.
 */
export async function scheduleDecision(ctx: BenchContext): Promise<ScenarioResult> {
  const { decisionQueued: n, decisionSamples: samples } = SIZES[ctx.mode];
  const clock = createManualClock();
  const ledger = new CapacityLedger({ cores: CORES, ramGB: CORES * 4, gpus: 0 });
  const engine = { isAvailable: () => true, queuesItself: false, canPrepare: true };
  const scheduler = new Scheduler({ ledger, engine, fairShare: new FairShare(86_400_000, clock.now().getTime()), clock }, { agingSeconds: 3600, backfillDepth: 1000, prepareAhead: 2, limits: { maxRunningJobs: 0, maxRunningCores: 0, maxQueuedJobs: 0 } });
  const entry = (i: number): QueueEntry => ({
    id: `q${i}` as JobId, owner: `u${i % USERS}`, demand: { cores: 1, ramGB: 1, gpus: 0 }, priority: i % 7, submitSeq: i + 1,
    createdAtMs: clock.now().getTime(), deadlineSeconds: 3600, dependsOn: [], throttle: null, notBeforeMs: 0, attempt: 1, attempts: 1,
  });
  const running: string[] = [];
  await step(`scheduler: ${n} queued jobs of ${USERS} users`, async () => {
    for (let i = 0; i < n; i += 10_000) scheduler.enqueue(Array.from({ length: Math.min(10_000, n - i) }, (_, k) => ({ entry: entry(i + k), unmet: [] })));
    running.push(...scheduler.pass().admitted.map((e) => e.id)); // fills the machine
  });
  const times: number[] = [];
  await step(`scheduler: ${samples} admission decisions`, async () => {
    for (let s = -WARM_UP; s < samples; s++) {
      ledger.release(running.shift()!);
      const t0 = performance.now();
      scheduler.capacityChanged();
      const { admitted } = scheduler.pass();
      if (s >= 0) times.push((performance.now() - t0) * 1000);
      if (admitted.length !== 1) throw new Error(`a pass admitted ${admitted.length} jobs, not 1`);
      running.push(admitted[0]!.id);
      clock.advance(1000);
    }
  });
  const t = summarize(times);
  return {
    metrics: { scheduleDecisionUsP99: t.p99 },
    details: [`skyrun's scheduler with ${n} one-core jobs queued by ${USERS} users (aging, fair share, backfill depth 1000, the server's defaults) on a full ${CORES}-core machine: ${times.length} passes, each freeing one core and admitting the next job: p50 ${round(t.p50, 0)} µs, **p99 ${round(t.p99, 0)} µs**, max ${round(t.max, 0)} µs.`],
  };
}
