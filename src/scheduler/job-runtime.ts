import type { Logger } from "pino";
import type { Clock } from "../domain/clock.js";
import { toError } from "../domain/errors.js";
import type { JobId } from "../domain/ids.js";
import { isTerminal, type Job, type JobState } from "../domain/job.js";
import type { Capacity } from "../domain/resources.js";
import type { Executor, RunRequest } from "../executors/executor.js";
import type { JobDirectories } from "../storage/job-directories.js";
import type { Store } from "../store/store.js";
import { CapacityLedger, type Hold } from "./capacity-ledger.js";
import { FairShare } from "./fair-share.js";
import { demandOf, JobLifecycle, type LifecycleSettings } from "./job-lifecycle.js";
import { JobNotifier } from "./job-notifier.js";
import type { QueueEntry } from "./queue-order.js";
import { Scheduler, type SchedulerSettings } from "./scheduler.js";

export interface JobRuntimeDeps {
  readonly store: Store;
  readonly executor: Executor;
  readonly dirs: JobDirectories;
  readonly buildRunRequest: (job: Job) => Promise<RunRequest>;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface JobRuntimeSettings extends LifecycleSettings, SchedulerSettings {
  readonly capacity: Capacity;
  readonly retentionSeconds: number;
  readonly fairShareHalfLifeSeconds: number;
  readonly usageChargeIntervalSeconds: number;
  /** How often live runs are compared with the engine. @defaultValue 30000 */
  readonly reconcileIntervalMs?: number;
  /** How often finished jobs past retention are purged. @defaultValue 60000 */
  readonly purgeIntervalMs?: number;
}

/** The running heart of skyrun: queue, admission, runs and their recovery, wired together. */
export interface JobRuntime {
  readonly notifier: JobNotifier;
  readonly ledger: CapacityLedger;
  readonly fairShare: FairShare;
  /** Hands freshly stored jobs to the scheduler, resolving their dependencies. */
  submitted(jobs: readonly Job[]): Promise<void>;
  delete(job: Job): Promise<Job>;
  /** Re-arms the deadline of a job whose deadline changed. */
  deadlineChanged(job: Job): void;
  pendingReason(id: JobId): string | undefined;
  readonly queuedCount: number;
  queuedFor(user: string): number;
  /** Recovers state after a restart, connects to the engine and starts scheduling. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export const toQueueEntry = (job: Job): QueueEntry => ({
  id: job.id,
  owner: job.owner.username,
  demand: demandOf(job),
  priority: job.priority,
  submitSeq: job.submitSeq,
  createdAtMs: job.createdAt.getTime(),
  deadlineSeconds: job.deadlineSeconds,
  dependsOn: job.dependsOn,
});

export function createJobRuntime(d: JobRuntimeDeps, s: JobRuntimeSettings): JobRuntime {
  const log = d.log.child({ component: "scheduler" });
  const fairShare = new FairShare(s.fairShareHalfLifeSeconds * 1000, d.clock.now().getTime());
  const chargeHold = (h: Hold, nowMs: number): boolean => {
    const seconds = (nowMs - h.chargedUntilMs) / 1000;
    if (seconds <= 0) return false;
    fairShare.charge(h.owner, h.demand.cores * seconds, nowMs);
    h.chargedUntilMs = nowMs;
    return true;
  };
  // Freed capacity: charge the run's last stretch of usage, and look at the queue again.
  const ledger = new CapacityLedger(s.capacity, (h) => {
    if (chargeHold(h, d.clock.now().getTime())) scheduler.usageChanged([h.owner]);
    scheduler.capacityChanged();
  });
  const notifier = new JobNotifier();
  // Launches and engine events in flight; shutdown waits for them before the store closes.
  const inflight = new Set<Promise<unknown>>();
  let stopping = false;
  const track = (work: Promise<unknown>): void => {
    inflight.add(work);
    void work.finally(() => inflight.delete(work));
  };
  // The scheduler launches through the lifecycle, which requeues through the scheduler: a late-bound reference.
  const lifecycleRef: { current?: JobLifecycle } = {};
  const scheduler = new Scheduler({ track, ledger, executor: d.executor, lifecycle: () => lifecycleRef.current!, fairShare, clock: d.clock, log }, s);
  const lifecycle = new JobLifecycle({
    store: d.store,
    executor: d.executor,
    ledger,
    notifier,
    dirs: d.dirs,
    buildRunRequest: d.buildRunRequest,
    clock: d.clock,
    log,
    requeue: (job) => scheduler.requeue(toQueueEntry(job)),
    finished: (job) => {
      for (const dependent of scheduler.jobEnded(job.id, job.state === "succeeded")) {
        const how = job.state === "cancelled" ? "was deleted" : "ended Failed";
        lifecycle.failQueued(dependent.id, `session ${job.id} ${how}`).catch((e: unknown) => log.error({ jobId: dependent.id, err: toError(e).message }, "could not fail a dependent"));
      }
    },
  }, s);
  lifecycleRef.current = lifecycle;
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, task: () => Promise<void> | void) => {
    const t = setInterval(() => {
      Promise.resolve(task()).catch((e: unknown) => log.warn({ err: toError(e).message }, "periodic task failed"));
    }, ms);
    t.unref();
    timers.push(t);
  };

  /**
   * Queues jobs, parking those whose dependencies have not succeeded yet. A dependency
   * that is live here will report its end; one that is not has ended, and its state in
   * the store (terminal, so stable) decides. One re-read covers a dependency that ended
   * between the read and now.
   */
  async function enqueue(jobs: readonly QueueEntry[]): Promise<void> {
    const deps = [...new Set(jobs.flatMap((j) => j.dependsOn))];
    let states = new Map<JobId, JobState>();
    for (let attempt = 0; attempt < 3; attempt++) {
      const stale = deps.filter((id) => !scheduler.isLive(id) && !isTerminal(states.get(id) ?? "queued"));
      if (stale.length === 0) break;
      for (const j of await d.store.jobs.getMany(stale)) states.set(j.id, j.state);
      if (attempt === 2) states = new Map([...states].map(([id, st]) => [id, isTerminal(st) ? st : "failed"]));
    }
    const toQueue: { entry: QueueEntry; unmet: JobId[] }[] = [];
    const doomed: { job: QueueEntry; message: string }[] = [];
    for (const job of jobs) {
      const unmet: JobId[] = [];
      let failedDep: string | undefined;
      for (const dep of job.dependsOn) {
        if (scheduler.isLive(dep)) unmet.push(dep);
        else if (states.get(dep) !== "succeeded") failedDep = `session ${dep} ${states.get(dep) === "cancelled" ? "was deleted" : "ended Failed"}`;
      }
      if (failedDep) doomed.push({ job, message: failedDep });
      else toQueue.push({ entry: job, unmet });
    }
    scheduler.enqueue(toQueue);
    for (const { job, message } of doomed) await lifecycle.failQueued(job.id, message);
  }

  /** Reloads the queue after a restart, page by page, in submission order (dependencies come first). */
  async function reloadQueue(): Promise<void> {
    let afterSeq = 0;
    for (;;) {
      const page = await d.store.jobs.listQueuedSummaries(afterSeq, 5000);
      if (page.length === 0) return;
      await enqueue(page.map((q) => ({
        id: q.id, owner: q.owner, demand: { cores: q.coresRequest, ramGB: q.ramRequestGB, gpus: q.gpus }, priority: q.priority,
        submitSeq: q.submitSeq, createdAtMs: q.createdAtMs, deadlineSeconds: q.deadlineSeconds, dependsOn: q.dependsOn,
      })));
      afterSeq = page.at(-1)!.submitSeq;
    }
  }

  async function purgeExpired(): Promise<void> {
    const before = new Date(d.clock.now().getTime() - s.retentionSeconds * 1000);
    for (;;) {
      const ids = await d.store.jobs.purgeFinishedBefore(before, 1000);
      for (const id of ids) d.dirs.removeLog(id);
      if (ids.length < 1000) return;
    }
  }

  function chargeRunning(): void {
    const nowMs = d.clock.now().getTime();
    const users = new Set<string>();
    for (const [, h] of ledger.entries()) if (chargeHold(h, nowMs)) users.add(h.owner);
    if (users.size > 0) scheduler.usageChanged(users);
  }

  async function saveUsage(): Promise<void> {
    const now = d.clock.now();
    await d.store.usage.save(fairShare.users().map((user) => ({ user, coreSeconds: fairShare.usageAt(user, now.getTime()), asOf: now })));
  }

  return {
    notifier,
    ledger,
    fairShare,
    submitted: (jobs) => enqueue(jobs.map(toQueueEntry)),
    async delete(job) {
      if (job.state === "queued") scheduler.remove(job.id);
      return lifecycle.delete(job);
    },
    deadlineChanged(job) {
      lifecycle.armDeadline(job);
    },
    pendingReason: (id) => scheduler.pendingReason(id),
    get queuedCount() {
      return scheduler.queuedCount;
    },
    queuedFor: (user) => scheduler.queuedFor(user),
    async start() {
      for (const r of await d.store.usage.load()) fairShare.charge(r.user, r.coreSeconds, r.asOf.getTime());
      await lifecycle.recover();
      try {
        await d.executor.start((event) => {
          if (stopping) return; // the engine keeps the state; the next start replays it
          track(lifecycle.handleRunEvent(event).catch((e: unknown) => log.error({ jobId: event.jobId, err: toError(e).message }, "run event handling failed")));
        });
        await lifecycle.reconcile();
      } catch (e) {
        log.warn({ err: toError(e).message }, "container engine not reachable at start; jobs wait until it is");
      }
      await reloadQueue();
      // A cheap safety net and the ageing clock: a pass with nothing changed costs O(1).
      every(1000, () => scheduler.trigger());
      every(s.usageChargeIntervalSeconds * 1000, chargeRunning);
      every(60_000, saveUsage);
      every(s.reconcileIntervalMs ?? 30_000, () => (d.executor.isAvailable() ? lifecycle.reconcile() : undefined));
      every(s.purgeIntervalMs ?? 60_000, purgeExpired);
      await purgeExpired();
    },
    async close() {
      stopping = true;
      for (const t of timers) clearInterval(t);
      scheduler.close();
      await d.executor.close();
      // Let launches and event handling that already started finish against the store.
      await Promise.race([Promise.allSettled([...inflight]), new Promise((r) => setTimeout(r, 15_000).unref())]);
      lifecycle.close();
      chargeRunning();
      await saveUsage().catch((e: unknown) => log.warn({ err: toError(e).message }, "could not save fair-share usage"));
    },
  };
}
