import { MAX_TIMER_MS } from "../../domain/clock.js";
import { toError } from "../../domain/errors.js";
import type { JobId } from "../../domain/ids.js";
import { expiryOf, type Job } from "../../domain/job.js";
import { refOf, type LifecycleDeps } from "./lifecycle-deps.js";
import type { RunMarks } from "./run-marks.js";

/** How long to wait before trying again to stop a run past its deadline. */
const STOP_RETRY_MS = 5000;

/**
 * One timer per running job, at its deadline (start + deadlineSeconds): the run is
 * stopped and, when its exit arrives, reads DeadlineExceeded. A renewal re-arms it.
 */
export class DeadlineTimers {
  private readonly timers = new Map<JobId, () => void>();

  constructor(private readonly d: Pick<LifecycleDeps, "store" | "executor" | "ledger" | "clock" | "log"> & { readonly marks: RunMarks }) {}

  /** (Re-)arms the deadline of a running job; does nothing for one that is not running. */
  arm(job: Job): void {
    this.clear(job.id);
    const expiry = expiryOf(job);
    if (!expiry || job.state !== "running") return;
    this.d.ledger.setExpectedEnd(job.id, expiry.getTime());
    const delayMs = Math.max(0, expiry.getTime() - this.d.clock.now().getTime());
    this.timers.set(job.id, this.d.clock.setTimer(Math.min(delayMs, MAX_TIMER_MS), () => void this.reached(job.id)));
  }

  clear(id: JobId): void {
    this.timers.get(id)?.();
    this.timers.delete(id);
  }

  close(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  private async reached(id: JobId): Promise<void> {
    this.timers.delete(id);
    const job = await this.d.store.jobs.get(id);
    if (!job || job.state !== "running") return;
    const expiry = expiryOf(job);
    if (expiry && expiry > this.d.clock.now()) {
      this.arm(job); // renewed meanwhile, or a deadline beyond one timer's range
      return;
    }
    this.d.marks.markDeadlineKill(id);
    this.d.log.info({ jobId: id }, "deadline reached; stopping the run");
    try {
      await this.d.executor.cancel(refOf(job));
    } catch (e) {
      this.d.log.warn({ jobId: id, err: toError(e).message }, "could not stop a run past its deadline; retrying");
      this.timers.set(id, this.d.clock.setTimer(STOP_RETRY_MS, () => void this.reached(id)));
    }
  }
}
