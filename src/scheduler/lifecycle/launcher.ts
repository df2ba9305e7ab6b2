import { isAppError, toError, type ExecutorError } from "../../domain/errors.js";
import type { JobId } from "../../domain/ids.js";
import type { Job } from "../../domain/job.js";
import { lifecycleEvents as ev } from "../../domain/lifecycle-events.js";
import type { SubmitResult } from "../../executors/executor.js";
import type { DeadlineTimers } from "./deadline-timers.js";
import type { JobFinisher } from "./job-finisher.js";
import { LaunchGate } from "./launch-gate.js";
import type { LifecycleDeps } from "./lifecycle-deps.js";
import type { RunMarks } from "./run-marks.js";
import type { RunPreparations } from "./run-preparations.js";
import type { RunStopper } from "./run-stopper.js";

/**
 * Launches that failed as "engine unavailable" while the engine answered everything
 * else: after this many in a row the job fails with the engine's words instead of
 * coming back to the head of the queue forever.
 */
const MAX_LAUNCH_RETRIES = 5;

export type LauncherDeps = Pick<LifecycleDeps, "store" | "executor" | "ledger" | "notifier" | "buildRunRequest" | "clock" | "log" | "requeue"> & {
  readonly deadlines: DeadlineTimers;
  readonly marks: RunMarks;
  readonly preparations: RunPreparations;
  readonly finisher: JobFinisher;
  readonly stopper: RunStopper;
};

/** Hands admitted jobs' runs to the engine: queued → starting → running (or back, or failed). */
export class Launcher {
  private readonly retries = new Map<JobId, number>();
  /** Bounds the runs handed to the engine at once. */
  private readonly gate = new LaunchGate();

  constructor(private readonly d: LauncherDeps) {}

  /** Starts an admitted job. The scheduler has already put its demand in the ledger. */
  async launch(jobId: JobId): Promise<void> {
    const starting = await this.d.store.jobs.transition(jobId, ["queued"], "starting", { reason: null });
    if (!starting) {
      this.d.ledger.release(jobId); // deleted or failed while we decided
      return;
    }
    this.d.notifier.changed(starting);
    await this.submit(starting);
  }

  /**
   * Creates a queued job's run ahead of its start (the scheduler names the jobs next
   * in line). Best effort: without it, the start does all the work. The request built
   * here is the one the launch submits.
   */
  async prepare(jobId: JobId): Promise<void> {
    const prepareRun = this.d.executor.prepare?.bind(this.d.executor);
    if (!prepareRun || this.d.preparations.has(jobId)) return;
    const preparing = (async () => {
      const job = await this.d.store.jobs.get(jobId);
      // Private images are pulled with the user's credentials at the start, never ahead.
      if (job?.state !== "queued" || job.sealedRegistryAuth !== null) return undefined;
      const run = await this.d.buildRunRequest(job);
      await prepareRun(run);
      return run;
    })();
    this.d.preparations.add(jobId, preparing);
    await preparing;
  }

  /** Submits a starting job's run; also used by the reconciler for a run created but never started. */
  async submit(job: Job): Promise<void> {
    let submitted: SubmitResult;
    this.d.marks.markLaunching(job.id);
    try {
      submitted = await this.gate.run(async () => this.d.executor.submit((await this.d.preparations.take(job.id)) ?? (await this.d.buildRunRequest(job))));
    } catch (e) {
      await this.onLaunchError(job, e);
      return;
    } finally {
      this.d.marks.unmarkLaunching(job.id);
    }
    this.retries.delete(job.id);
    await this.recordSubmitted(job, submitted);
  }

  private async recordSubmitted(job: Job, { handle, startedAt }: SubmitResult): Promise<void> {
    if (startedAt) {
      const running = await this.d.store.jobs.transition(job.id, ["starting"], "running", { startedAt, runHandle: handle }, ev.started(startedAt));
      if (running) {
        this.d.deadlines.arm(running);
        this.d.notifier.changed(running);
        return;
      }
    } else {
      // The engine queues the run itself (Slurm): it stays Pending until a `started` event.
      const queued = await this.d.store.jobs.update(job.id, { runHandle: handle });
      if (queued?.state === "starting") return;
    }
    const current = await this.d.store.jobs.get(job.id);
    if (current && current.runHandle === null) await this.d.store.jobs.update(job.id, { runHandle: handle });
    if (current?.state === "terminating") await this.d.stopper.stop({ ...current, runHandle: handle }); // deleted while it was starting
  }

  private async onLaunchError(job: Job, e: unknown): Promise<void> {
    const err = isAppError(e) ? e : undefined;
    const message = err?.message ?? toError(e).message;
    const unavailable = (err as ExecutorError | undefined)?.code === "EXECUTOR_UNAVAILABLE";
    // The engine still answers (its event stream is up), yet this job's launch keeps failing: count it.
    const retries = unavailable && this.d.executor.isAvailable() ? (this.retries.get(job.id) ?? 0) + 1 : 0;
    const now = this.d.clock.now();
    if (unavailable && retries < MAX_LAUNCH_RETRIES) {
      if (retries > 0) this.retries.set(job.id, retries);
      const back = await this.d.store.jobs.transition(job.id, ["starting"], "queued", { reason: `${message}; will retry` }, ev.requeued(now, `${message}; will retry`));
      this.d.ledger.release(job.id);
      if (back) {
        this.d.notifier.changed(back);
        this.d.requeue(back);
      } else {
        await this.d.finisher.finishDeletedLaunch(job.id);
      }
      return;
    }
    this.retries.delete(job.id);
    this.d.log.info({ jobId: job.id, err: message, attempts: retries || 1 }, "run rejected");
    const why = retries >= MAX_LAUNCH_RETRIES ? `could not start after ${retries} attempts: ${message}` : message;
    if (!(await this.d.finisher.finishAs(job.id, ["starting"], "failed", { reason: why, finishedAt: now, startedAt: null }, ev.launchFailed(now, why)))) {
      await this.d.finisher.finishDeletedLaunch(job.id);
    }
  }
}
