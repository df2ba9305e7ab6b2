import type { Logger } from "pino";
import type { Clock } from "../domain/clock.js";
import type { JobId } from "../domain/ids.js";
import type { Job } from "../domain/job.js";
import type { Executor } from "../executors/executor.js";
import type { CapacityLedger, Demand } from "./capacity-ledger.js";
import { demandOf, type JobLifecycle } from "./job-lifecycle.js";

/** What the scheduler keeps of a queued job: small, so 100,000 of them stay cheap. */
export interface QueueEntry {
  readonly id: JobId;
  readonly owner: string;
  readonly demand: Demand;
  readonly priority: number;
  readonly submitSeq: number;
  readonly createdAt: Date;
  readonly dependsOn: readonly JobId[];
}

export const toQueueEntry = (job: Job): QueueEntry => ({
  id: job.id,
  owner: job.owner.username,
  demand: demandOf(job),
  priority: job.priority,
  submitSeq: job.submitSeq,
  createdAt: job.createdAt,
  dependsOn: job.dependsOn,
});

export interface SchedulerDeps {
  readonly ledger: CapacityLedger;
  readonly executor: Executor;
  readonly lifecycle: () => JobLifecycle;
  readonly clock: Clock;
  readonly log: Logger;
}

/** How long to wait before trying the engine again after it refused for being unavailable. */
const ENGINE_BACKOFF_MS = 1000;

const gb = (n: number): string => `${Math.round(n * 100) / 100}`;

/**
 * Decides which queued jobs start. A cycle walks the queue in order and admits every
 * job whose request fits the free capacity; it runs on events (submission, a run
 * ending), never on a fixed poll, and never blocks the API: selection is in memory
 * and launches proceed asynchronously.
 */
export class Scheduler {
  private readonly queue = new Map<JobId, QueueEntry>();
  private cycleQueued = false;
  private engineBackoffUntil = 0;
  private backoffTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly d: SchedulerDeps) {}

  enqueue(entries: readonly QueueEntry[]): void {
    for (const e of entries) this.queue.set(e.id, e);
    this.trigger();
  }

  /** Puts back a job the engine refused for now; tries again after a short back-off. */
  requeue(entry: QueueEntry): void {
    this.queue.set(entry.id, entry);
    this.engineBackoffUntil = this.d.clock.now().getTime() + ENGINE_BACKOFF_MS;
    if (!this.backoffTimer) {
      this.backoffTimer = setTimeout(() => {
        this.backoffTimer = undefined;
        this.trigger();
      }, ENGINE_BACKOFF_MS);
      this.backoffTimer.unref();
    }
  }

  /** Removes a queued job (deleted). Returns false when it was not queued here. */
  remove(id: JobId): boolean {
    return this.queue.delete(id);
  }

  has(id: JobId): boolean {
    return this.queue.has(id);
  }

  get queuedCount(): number {
    return this.queue.size;
  }

  /** Asks for a scheduling cycle soon; many triggers in one tick make one cycle. */
  trigger(): void {
    if (this.cycleQueued || this.closed) return;
    this.cycleQueued = true;
    setImmediate(() => {
      this.cycleQueued = false;
      this.cycle();
    });
  }

  private cycle(): void {
    if (this.closed) return;
    if (!this.d.executor.isAvailable() || this.d.clock.now().getTime() < this.engineBackoffUntil) return;
    // An engine that queues runs itself (Slurm) gets every job at once and orders them by its own rules.
    const passThrough = this.d.executor.queuesItself;
    for (const entry of this.queue.values()) {
      if (!passThrough && !this.d.ledger.fits(entry.demand)) break; // strict order: nobody passes the head
      this.queue.delete(entry.id);
      this.d.ledger.hold(entry.id, entry.demand);
      void this.d.lifecycle().launch(entry.id).catch((e: unknown) => {
        this.d.log.error({ jobId: entry.id, err: e }, "launch failed unexpectedly");
        this.d.ledger.release(entry.id);
      });
    }
  }

  /** Why a queued job has not started, in numbers; undefined when it is not queued. */
  pendingReason(id: JobId): string | undefined {
    const entry = this.queue.get(id);
    if (!entry) return undefined;
    if (!this.d.executor.isAvailable()) return "container engine unavailable; the session will start when it is back";
    let position = 0;
    for (const e of this.queue.values()) {
      position++;
      if (e.id === id) break;
    }
    const free = this.d.ledger.free;
    const total = this.d.ledger.total;
    const need = entry.demand;
    const parts = [`${need.cores} cores`, `${gb(need.ramGB)} GB RAM`, ...(need.gpus > 0 ? [`${need.gpus} GPUs`] : [])].join(", ");
    const have = `${gb(Math.max(0, free.cores))} of ${total.cores} cores and ${gb(Math.max(0, free.ramGB))} of ${total.ramGB} GB free`;
    return `waiting for ${parts}: ${have}; position ${position} in queue`;
  }

  close(): void {
    this.closed = true;
    if (this.backoffTimer) clearTimeout(this.backoffTimer);
  }
}
