import type { Logger } from "pino";
import type { Clock } from "../domain/clock.js";
import { toError } from "../domain/errors.js";
import type { JobId } from "../domain/ids.js";
import type { Job } from "../domain/job.js";
import type { Capacity } from "../domain/resources.js";
import type { Executor, RunRequest } from "../executors/executor.js";
import type { JobDirectories } from "../storage/job-directories.js";
import type { Store } from "../store/store.js";
import { CapacityLedger } from "./capacity-ledger.js";
import { JobLifecycle, type LifecycleSettings } from "./job-lifecycle.js";
import { JobNotifier } from "./job-notifier.js";
import { Scheduler, toQueueEntry } from "./scheduler.js";

export interface JobRuntimeDeps {
  readonly store: Store;
  readonly executor: Executor;
  readonly dirs: JobDirectories;
  readonly buildRunRequest: (job: Job) => Promise<RunRequest>;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface JobRuntimeSettings extends LifecycleSettings {
  readonly capacity: Capacity;
  readonly retentionSeconds: number;
  /** How often live runs are compared with the engine. @defaultValue 30000 */
  readonly reconcileIntervalMs?: number;
  /** How often finished jobs past retention are purged. @defaultValue 60000 */
  readonly purgeIntervalMs?: number;
}

/** The running heart of skyrun: queue, admission, runs and their recovery, wired together. */
export interface JobRuntime {
  readonly notifier: JobNotifier;
  readonly ledger: CapacityLedger;
  /** Hands freshly stored jobs to the scheduler. */
  submitted(jobs: readonly Job[]): void;
  delete(job: Job): Promise<Job>;
  /** Re-arms the deadline of a job whose deadline changed. */
  deadlineChanged(job: Job): void;
  pendingReason(id: JobId): string | undefined;
  readonly queuedCount: number;
  /** Recovers state after a restart, connects to the engine and starts scheduling. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createJobRuntime(d: JobRuntimeDeps, s: JobRuntimeSettings): JobRuntime {
  const ledger = new CapacityLedger(s.capacity);
  const notifier = new JobNotifier();
  const log = d.log.child({ component: "scheduler" });
  // The scheduler launches through the lifecycle, which requeues through the scheduler: a late-bound reference.
  const lifecycleRef: { current?: JobLifecycle } = {};
  const scheduler = new Scheduler({ ledger, executor: d.executor, lifecycle: () => lifecycleRef.current!, clock: d.clock, log });
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
    finished: () => scheduler.trigger(),
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

  async function purgeExpired(): Promise<void> {
    const before = new Date(d.clock.now().getTime() - s.retentionSeconds * 1000);
    for (;;) {
      const ids = await d.store.jobs.purgeFinishedBefore(before, 1000);
      for (const id of ids) d.dirs.removeLog(id);
      if (ids.length < 1000) return;
    }
  }

  return {
    notifier,
    ledger,
    submitted(jobs) {
      scheduler.enqueue(jobs.map(toQueueEntry));
    },
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
    async start() {
      const queued = await lifecycle.recover();
      try {
        await d.executor.start((event) => {
          lifecycle.handleRunEvent(event).catch((e: unknown) => log.error({ jobId: event.jobId, err: toError(e).message }, "run event handling failed"));
        });
        await lifecycle.reconcile({ includeFresh: true });
      } catch (e) {
        log.warn({ err: toError(e).message }, "container engine not reachable at start; jobs wait until it is");
      }
      scheduler.enqueue(queued.map(toQueueEntry));
      // A cheap safety net: a cycle whose head does not fit costs O(1).
      every(1000, () => scheduler.trigger());
      every(s.reconcileIntervalMs ?? 30_000, () => (d.executor.isAvailable() ? lifecycle.reconcile() : undefined));
      every(s.purgeIntervalMs ?? 60_000, purgeExpired);
      await purgeExpired();
    },
    async close() {
      for (const t of timers) clearInterval(t);
      scheduler.close();
      lifecycle.close();
      await d.executor.close();
    },
  };
}
