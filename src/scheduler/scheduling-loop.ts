import type { Logger } from "pino";
import type { Clock } from "../domain/clock.js";
import { toError } from "../domain/errors.js";
import type { CapacityLedger } from "./capacity-ledger.js";
import type { InflightWork } from "./inflight-work.js";
import type { JobLifecycle } from "./lifecycle/job-lifecycle.js";
import type { QueueEntry } from "./queue-order.js";
import type { Scheduler } from "./scheduler.js";

export interface SchedulingLoopDeps {
  readonly scheduler: Scheduler;
  readonly lifecycle: JobLifecycle;
  readonly ledger: CapacityLedger;
  readonly inflight: InflightWork;
  readonly clock: Clock;
  readonly log: Logger;
}

/**
 * Runs scheduling passes when something changed and carries out what they decided:
 * admitted jobs are launched, jobs next in line are prepared. Many triggers in one
 * tick make one pass.
 */
export class SchedulingLoop {
  private queued = false;
  private closed = false;
  private cancelBackoff: (() => void) | undefined;
  private due: { atMs: number; cancel: () => void } | undefined;

  constructor(private readonly d: SchedulingLoopDeps) {}

  /** Asks for a pass soon. */
  trigger(): void {
    if (this.queued || this.closed) return;
    this.queued = true;
    setImmediate(() => {
      this.queued = false;
      try {
        this.runPass();
      } catch (e) {
        this.d.log.error({ err: e }, "scheduling pass failed");
      }
    });
  }

  /** Puts back a job the engine refused for now and looks again after the scheduler's back-off. */
  requeue(entry: QueueEntry): void {
    this.d.scheduler.requeue(entry);
    if (this.cancelBackoff) return;
    const delayMs = Math.max(0, this.d.scheduler.backoffUntilMs - this.d.clock.now().getTime());
    this.cancelBackoff = this.d.clock.setTimer(delayMs, () => {
      this.cancelBackoff = undefined;
      this.trigger();
    });
  }

  close(): void {
    this.closed = true;
    this.cancelBackoff?.();
    this.due?.cancel();
  }

  /** Looks again when the earliest retry's back-off ends. */
  private armDue(): void {
    const atMs = this.d.scheduler.nextDueMs;
    if (atMs === undefined || (this.due && this.due.atMs <= atMs) || this.closed) return;
    this.due?.cancel();
    const cancel = this.d.clock.setTimer(Math.max(0, atMs - this.d.clock.now().getTime()), () => {
      this.due = undefined;
      this.trigger();
    });
    this.due = { atMs, cancel };
  }

  private runPass(): void {
    const { admitted, prepare } = this.d.scheduler.pass();
    this.armDue();
    for (const entry of admitted) {
      this.d.inflight.track(this.d.lifecycle.launch(entry.id).catch((e: unknown) => {
        this.d.log.error({ jobId: entry.id, err: toError(e).message }, "launch failed unexpectedly");
        this.d.ledger.release(entry.id);
      }));
    }
    for (const id of prepare) {
      this.d.inflight.track(this.d.lifecycle.prepare(id).catch((e: unknown) => this.d.log.warn({ jobId: id, err: toError(e).message }, "preparing a run ahead failed")));
    }
  }
}
