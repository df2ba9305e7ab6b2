import type { Job } from "../../domain/job.js";
import { lifecycleEvents as ev } from "../../domain/lifecycle-events.js";
import type { RunStatus } from "../../executors/executor.js";
import { demandOf } from "../queue-order.js";
import type { AttemptRetries } from "./attempt-retries.js";
import type { DeadlineTimers } from "./deadline-timers.js";
import type { JobFinisher } from "./job-finisher.js";
import type { Launcher } from "./launcher.js";
import { refOf, type LifecycleDeps } from "./lifecycle-deps.js";
import type { RunExits } from "./run-exits.js";
import type { RunMarks } from "./run-marks.js";
import type { RunStopper } from "./run-stopper.js";

export type ReconcilerDeps = Pick<LifecycleDeps, "store" | "executor" | "ledger" | "clock" | "requeue"> & {
  readonly deadlines: DeadlineTimers;
  readonly marks: RunMarks;
  readonly exits: RunExits;
  readonly launcher: Launcher;
  readonly stopper: RunStopper;
  readonly finisher: JobFinisher;
  readonly retries: AttemptRetries;
};

/**
 * Compares live jobs with what the engine knows and settles the differences: runs
 * that ended while nobody listened, runs that vanished, launches and deletions to
 * finish. Safe to repeat: every change is a compare-and-set.
 */
export class RunReconciler {
  constructor(private readonly d: ReconcilerDeps) {}

  /**
   * After a restart: holds capacity for live runs (the queue is reloaded separately)
   * and re-arms their deadlines. Call `reconcile` once the engine is connected.
   */
  async recover(): Promise<void> {
    const nowMs = this.d.clock.now().getTime();
    for (const job of await this.d.store.jobs.listLive()) {
      this.d.ledger.hold(job.id, { demand: demandOf(job), owner: job.owner.username, expectedEndMs: (job.startedAt?.getTime() ?? nowMs) + job.deadlineSeconds * 1000, chargedUntilMs: nowMs });
      if (job.state === "running") this.d.deadlines.arm(job);
    }
  }

  async reconcile(): Promise<void> {
    const active = await this.d.store.jobs.listLive();
    // A launch in flight is between calls to the engine; the reconciler would see half of it.
    const candidates = active.filter((j) => !this.d.marks.isLaunching(j.id));
    if (candidates.length === 0) return;
    const statuses = await this.d.executor.statuses(candidates.map(refOf));
    for (const job of candidates) await this.apply(job, statuses.get(job.id));
  }

  private async apply(job: Job, status: RunStatus | undefined): Promise<void> {
    if (!status) return;
    switch (status.phase) {
      case "running":
        if (job.state === "starting") await this.d.exits.started(job.id, status.startedAt);
        else if (job.state === "terminating") await this.d.stopper.stopOnce(job);
        return;
      case "exited":
        await this.d.exits.finishRun(job.id, { exitCode: status.exitCode, oomKilled: status.oomKilled, startedAt: status.startedAt, at: status.finishedAt, reason: status.reason });
        return;
      case "pending":
        // Created but never started: finish the launch. A run with a handle is queued by its engine (Slurm) and waits.
        if (job.state === "starting" && job.runHandle === null) await this.d.launcher.submit(job);
        else if (job.state === "terminating") await this.d.stopper.stopOnce(job);
        return;
      case "vanished":
        await this.vanished(job, status.reason);
        return;
    }
  }

  private async vanished(job: Job, why: string): Promise<void> {
    const now = this.d.clock.now();
    if (job.state === "starting") {
      const back = await this.d.store.jobs.transition(job.id, ["starting"], "queued", { reason: null }, ev.requeued(now, "Run was not found on the engine after a restart; queued again"));
      this.d.ledger.release(job.id);
      if (back) this.d.requeue(back);
    } else if (job.state === "terminating") {
      await this.d.finisher.finishAs(job.id, ["terminating"], "cancelled", { reason: "Deleted by user", finishedAt: now }, ev.deleted(now, "Session deleted"));
    } else if (this.d.retries.shouldRetry(job, "engine")) {
      await this.d.retries.retry(job, { reason: `Lost: ${why}`, event: ev.vanished(now, why) }, { exitCode: null, startedAt: job.startedAt, finishedAt: now });
    } else {
      await this.d.finisher.finishAs(job.id, ["running"], "failed", { reason: `Lost: ${why}`, finishedAt: now }, ev.vanished(now, why));
    }
  }
}
