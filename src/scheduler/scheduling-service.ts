import type { Logger } from "pino";
import { every, type Clock } from "../domain/clock.js";
import { toError } from "../domain/errors.js";
import { expiryOf, type Job } from "../domain/job.js";
import { lifecycleEvents } from "../domain/lifecycle-events.js";
import type { Capacity } from "../domain/resources.js";
import { formatInstant } from "../contracts/instant.js";
import type { WaitExplanation } from "../domain/wait-explanation.js";
import { canExtendDeadline, canReportCapacity, type Executor, type RunRequest } from "../executors/executor.js";
import type { CapacitySnapshot, SchedulingPort } from "../jobs/scheduling-port.js";
import type { JobDirectories } from "../storage/job-directories.js";
import type { Store } from "../store/store.js";
import { CapacityLedger } from "./capacity-ledger.js";
import { FairShare } from "./fair-share.js";
import { InflightWork } from "./inflight-work.js";
import { JobNotifier } from "./job-notifier.js";
import { createJobLifecycle } from "./lifecycle/job-lifecycle.js";
import type { LifecycleSettings } from "./lifecycle/lifecycle-deps.js";
import { dependencyFailure, enqueueJobs, reloadQueue } from "./queue-intake.js";
import { toQueueEntry } from "./queue-order.js";
import { Scheduler, type SchedulerSettings } from "./scheduler.js";
import { SchedulingLoop } from "./scheduling-loop.js";
import { UsageCharging } from "./usage-charging.js";

export interface SchedulingServiceDeps {
  readonly store: Store;
  readonly executor: Executor;
  readonly dirs: JobDirectories;
  readonly buildRunRequest: (job: Job) => Promise<RunRequest>;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface SchedulingServiceSettings extends LifecycleSettings, SchedulerSettings {
  readonly capacity: Capacity;
  readonly retentionSeconds: number;
  readonly fairShareHalfLifeSeconds: number;
  readonly usageChargeIntervalSeconds: number;
  /** How often live runs are compared with the engine. @defaultValue 30000 */
  readonly reconcileIntervalMs?: number;
  /** How often finished jobs past retention are purged. @defaultValue 60000 */
  readonly purgeIntervalMs?: number;
}

/** The scheduling port, running: queue, admission, runs and their recovery. */
export interface SchedulingService extends SchedulingPort {
  /** Recovers state after a restart, connects to the engine and starts scheduling. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** How long shutdown waits for launches and event handling already under way. */
const SHUTDOWN_GRACE_MS = 15_000;
/** Finished jobs purged per statement. */
const PURGE_BATCH = 1000;
/** How often running jobs' log sizes are compared with the cap. */
const LOG_CHECK_INTERVAL_MS = 2000;

/**
 * Wires the scheduler (decisions), the lifecycle (runs) and the loop between them.
 * The scheduler returns what it admits; nothing calls back into it late.
 */
export function createSchedulingService(d: SchedulingServiceDeps, s: SchedulingServiceSettings): SchedulingService {
  const log = d.log.child({ component: "scheduler" });
  const fairShare = new FairShare(s.fairShareHalfLifeSeconds * 1000, d.clock.now().getTime());
  const charging = new UsageCharging({ fairShare, usage: d.store.usage, clock: d.clock });
  const notifier = new JobNotifier();
  const inflight = new InflightWork();
  // Freed capacity: charge the run's last stretch of usage, and look at the queue again.
  const ledger = new CapacityLedger(s.capacity, (h) => {
    if (charging.chargeHold(h, d.clock.now().getTime())) scheduler.usageChanged([h.owner]);
    scheduler.capacityChanged();
    loop.trigger();
  });
  const engine = { isAvailable: () => d.executor.isAvailable(), queuesItself: d.executor.queuesItself, canPrepare: d.executor.prepare !== undefined };
  const scheduler = new Scheduler({ ledger, engine, fairShare, clock: d.clock }, s);
  const lifecycle = createJobLifecycle({
    ...d,
    log,
    ledger,
    notifier,
    requeue: (job) => loop.requeue(toQueueEntry(job)),
    retry: (job) => {
      scheduler.enqueue([{ entry: toQueueEntry(job), unmet: [] }]);
      loop.trigger();
    },
    ended: (job) => {
      for (const dependent of scheduler.jobEnded(job.id, job.state === "succeeded")) {
        lifecycle.failQueued(dependent.id, dependencyFailure(job.id, job.state)).catch((e: unknown) => log.error({ jobId: dependent.id, err: toError(e).message }, "could not fail a dependent"));
      }
      loop.trigger();
    },
  }, s);
  const loop = new SchedulingLoop({ scheduler, lifecycle, ledger, inflight, clock: d.clock, log });
  const intake = { jobs: d.store.jobs, scheduler, failQueued: (id: Job["id"], message: string) => lifecycle.failQueued(id, message) };
  const stops: (() => void)[] = [];
  let stopping = false;
  const periodically = (ms: number, task: () => Promise<void> | void) => {
    stops.push(every(d.clock, ms, () => {
      Promise.resolve(task()).catch((e: unknown) => log.warn({ err: toError(e).message }, "periodic task failed"));
    }));
  };

  async function purgeExpired(): Promise<void> {
    const before = new Date(d.clock.now().getTime() - s.retentionSeconds * 1000);
    for (;;) {
      const ids = await d.store.jobs.purgeFinishedBefore(before, PURGE_BATCH);
      for (const { id, attempts } of ids) d.dirs.removeLog(id, attempts);
      if (ids.length < PURGE_BATCH) return;
    }
  }

  const chargeRunning = () => {
    const users = charging.chargeRunning(ledger);
    if (users.size > 0) scheduler.usageChanged(users);
  };

  return {
    async submit(jobs) {
      await enqueueJobs(intake, jobs.map(toQueueEntry));
      loop.trigger();
    },
    async cancel(job) {
      if (job.state === "queued") scheduler.remove(job.id);
      return lifecycle.delete(job);
    },
    async renew(job, deadlineSeconds) {
      if (canExtendDeadline(d.executor)) await d.executor.extendDeadline({ jobId: job.id, handle: job.runHandle }, deadlineSeconds);
      const expiry = expiryOf({ startedAt: job.startedAt, deadlineSeconds });
      const renewed = await d.store.jobs.update(job.id, { deadlineSeconds }, lifecycleEvents.renewed(d.clock.now(), `Expiry extended to ${expiry ? formatInstant(expiry) : "?"}`));
      if (!renewed) return job;
      lifecycle.armDeadline(renewed);
      return renewed;
    },
    explain(job): WaitExplanation | undefined {
      if (job.state === "queued") return scheduler.explain(job.id);
      // An engine that queues runs itself (Slurm) says why a submitted run waits; its words are in the reason.
      if (job.state === "starting" && d.executor.queuesItself && job.reason) {
        return { reason: { kind: "engine-queue", detail: job.reason }, position: null, positionLimit: 0, decidedAt: d.clock.now() };
      }
      return undefined;
    },
    counts: () => ({ queued: scheduler.queuedCount, live: ledger.holdCount, inUse: ledger.inUse }),
    queuedFor: (user) => scheduler.queuedFor(user),
    watch: (id, listener) => notifier.watch(id, listener),
    watchAll: (listener) => notifier.watchAll(listener),
    async capacity(): Promise<CapacitySnapshot> {
      if (canReportCapacity(d.executor)) {
        const c = await d.executor.capacity();
        return {
          total: { cores: c.cores, ramGB: c.ramGB, gpus: s.capacity.gpus }, inUse: { cores: c.coresAllocated, ramGB: c.ramAllocatedGB, gpus: ledger.inUse.gpus },
          ...(c.nodes ? { nodes: c.nodes } : {}), ...(d.executor.partition ? { partition: d.executor.partition } : {}),
        };
      }
      return { total: s.capacity, inUse: ledger.inUse };
    },
    liveUsage: async (job) => (job.state === "running" ? d.executor.usage({ jobId: job.id, handle: job.runHandle }) : undefined),
    isEngineAvailable: () => d.executor.isAvailable(),
    async start() {
      await charging.load();
      await lifecycle.recover();
      try {
        await d.executor.start((event) => {
          if (stopping) return; // the engine keeps the state; the next start replays it
          inflight.track(lifecycle.handleRunEvent(event).catch((e: unknown) => log.error({ jobId: event.jobId, err: toError(e).message }, "run event handling failed")));
        });
        await lifecycle.reconcile();
      } catch (e) {
        log.warn({ err: toError(e).message }, "container engine not reachable at start; jobs wait until it is");
      }
      await reloadQueue(intake);
      loop.trigger();
      // A cheap safety net and the ageing clock: a pass with nothing changed costs O(1).
      periodically(1000, () => loop.trigger());
      periodically(s.usageChargeIntervalSeconds * 1000, chargeRunning);
      periodically(60_000, () => charging.save());
      periodically(s.reconcileIntervalMs ?? 30_000, () => (d.executor.isAvailable() ? lifecycle.reconcile() : undefined));
      periodically(s.purgeIntervalMs ?? 60_000, purgeExpired);
      periodically(LOG_CHECK_INTERVAL_MS, () => lifecycle.checkLogs());
      await purgeExpired();
    },
    async close() {
      stopping = true;
      for (const stop of stops) stop();
      loop.close();
      await d.executor.close();
      // Let launches and event handling that already started finish against the store.
      await inflight.settle(d.clock, SHUTDOWN_GRACE_MS);
      lifecycle.close();
      chargeRunning();
      await charging.save().catch((e: unknown) => log.warn({ err: toError(e).message }, "could not save fair-share usage"));
    },
  };
}
