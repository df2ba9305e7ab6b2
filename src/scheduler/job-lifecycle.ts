import type { Logger } from "pino";
import type { Clock } from "../domain/clock.js";
import { isAppError, toError, type ExecutorError } from "../domain/errors.js";
import type { JobId } from "../domain/ids.js";
import { expiryOf, isTerminal, type Job, type JobState } from "../domain/job.js";
import type { Executor, RunEvent, RunRef, RunRequest, RunStatus, SubmitResult } from "../executors/executor.js";
import type { JobDirectories } from "../storage/job-directories.js";
import type { JobPatch, NewJobEvent, Store } from "../store/store.js";
import type { CapacityLedger, Demand } from "./capacity-ledger.js";
import type { JobNotifier } from "./job-notifier.js";
import { lifecycleEvents as ev } from "./lifecycle-events.js";

const refOf = (job: Job): RunRef => ({ jobId: job.id, handle: job.runHandle });

export const demandOf = (job: Job): Demand => ({ cores: job.resources.coresRequest, ramGB: job.resources.ramRequestGB, gpus: job.resources.gpus });

/** setTimeout's ceiling; longer deadlines are re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * Launches that failed as "engine unavailable" while the engine answered everything
 * else: after this many in a row the job fails with the engine's words instead of
 * coming back to the head of the queue forever.
 */
const MAX_LAUNCH_RETRIES = 5;

export interface LifecycleSettings {
  readonly listingTtlSeconds: number;
  readonly stopGraceSeconds: number;
}

export interface LifecycleDeps {
  readonly store: Store;
  readonly executor: Executor;
  readonly ledger: CapacityLedger;
  readonly notifier: JobNotifier;
  readonly dirs: JobDirectories;
  readonly buildRunRequest: (job: Job) => Promise<RunRequest>;
  readonly clock: Clock;
  readonly log: Logger;
  /** A run was refused for now (engine down): put the job back in the queue. */
  readonly requeue: (job: Job) => void;
  /** A job reached a terminal state: capacity is free, dependents may move. */
  readonly finished: (job: Job) => void;
}

interface ExitReport {
  readonly exitCode: number;
  readonly oomKilled: boolean;
  readonly startedAt: Date | null;
  readonly at: Date;
  /** Why the engine ended the run, when it was not the program's doing (Slurm: TIMEOUT, NODE_FAIL, …). */
  readonly reason?: string | undefined;
}

/**
 * Drives runs through their states: launch, started, exited, deadline, deletion, and
 * recovery after a restart. Every change is a compare-and-set in the store, so the
 * engine's events, the launcher and the reconciler may race without harm.
 */
export class JobLifecycle {
  private readonly deadlineTimers = new Map<JobId, NodeJS.Timeout>();
  /** Runs skyrun itself stopped, so a SIGKILL exit is not mistaken for an OOM kill. */
  private readonly stoppedBySkyrun = new Set<JobId>();
  private readonly deadlineKills = new Set<JobId>();
  /** Jobs whose submit is in flight here: the reconciler must not judge them by the engine's (partial) view. */
  private readonly launching = new Set<JobId>();
  private readonly launchRetries = new Map<JobId, number>();
  /** Preparations of queued jobs' runs (see `prepare`), with the request each built. */
  private readonly preparing = new Map<JobId, Promise<RunRequest | undefined>>();

  constructor(private readonly d: LifecycleDeps, private readonly s: LifecycleSettings) {}

  // ── launching ────────────────────────────────────────────────────────────

  /** Starts an admitted job. The caller has already put its demand in the ledger. */
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
   * Creates a queued job's run ahead of its start (the scheduler asks for the jobs next
   * in line). Best effort: without it, the start does all the work. The request built
   * here is the one the launch submits, and the launch and the job's end wait for it.
   */
  async prepare(jobId: JobId): Promise<void> {
    const prepareRun = this.d.executor.prepare?.bind(this.d.executor);
    if (!prepareRun || this.preparing.has(jobId)) return;
    const preparing = (async () => {
      const job = await this.d.store.jobs.get(jobId);
      // Private images are pulled with the user's credentials at the start, never ahead.
      if (job?.state !== "queued" || job.sealedRegistryAuth !== null) return undefined;
      const run = await this.d.buildRunRequest(job);
      await prepareRun(run);
      return run;
    })();
    this.preparing.set(jobId, preparing.catch(() => undefined));
    await preparing;
  }

  /** The request a preparation built for this job, once it is done; undefined when there was none. */
  private async takePrepared(jobId: JobId): Promise<RunRequest | undefined> {
    const run = await this.preparing.get(jobId);
    this.preparing.delete(jobId);
    return run;
  }

  private async submit(job: Job): Promise<void> {
    let submitted: SubmitResult;
    this.launching.add(job.id);
    try {
      submitted = await this.d.executor.submit((await this.takePrepared(job.id)) ?? (await this.d.buildRunRequest(job)));
    } catch (e) {
      await this.onLaunchError(job, e);
      return;
    } finally {
      this.launching.delete(job.id);
    }
    this.launchRetries.delete(job.id);
    const { handle, startedAt } = submitted;
    if (startedAt) {
      const running = await this.d.store.jobs.transition(job.id, ["starting"], "running", { startedAt, runHandle: handle }, ev.started(startedAt));
      if (running) {
        this.armDeadline(running);
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
    if (current?.state === "terminating") await this.stopRun({ ...current, runHandle: handle }); // deleted while it was starting
  }

  private async onLaunchError(job: Job, e: unknown): Promise<void> {
    const err = isAppError(e) ? e : undefined;
    const message = err?.message ?? toError(e).message;
    const unavailable = (err as ExecutorError | undefined)?.code === "EXECUTOR_UNAVAILABLE";
    // The engine still answers (its event stream is up), yet this job's launch keeps failing: count it.
    const retries = unavailable && this.d.executor.isAvailable() ? (this.launchRetries.get(job.id) ?? 0) + 1 : 0;
    if (unavailable && retries < MAX_LAUNCH_RETRIES) {
      if (retries > 0) this.launchRetries.set(job.id, retries);
      const now = this.d.clock.now();
      const back = await this.d.store.jobs.transition(job.id, ["starting"], "queued", { reason: `${message}; will retry` }, ev.requeued(now, `${message}; will retry`));
      this.d.ledger.release(job.id);
      if (back) {
        this.d.notifier.changed(back);
        this.d.requeue(back);
      } else {
        await this.finishDeletedLaunch(job.id);
      }
      return;
    }
    this.launchRetries.delete(job.id);
    this.d.log.info({ jobId: job.id, err: message, attempts: retries || 1 }, "run rejected");
    const now = this.d.clock.now();
    const why = retries >= MAX_LAUNCH_RETRIES ? `could not start after ${retries} attempts: ${message}` : message;
    if (!(await this.finishAs(job.id, ["starting"], "failed", { reason: why, finishedAt: now, startedAt: null }, ev.launchFailed(now, why)))) {
      await this.finishDeletedLaunch(job.id);
    }
  }

  /** A job deleted while its launch failed has no run to stop: it ends at once. */
  private async finishDeletedLaunch(jobId: JobId): Promise<void> {
    const now = this.d.clock.now();
    await this.finishAs(jobId, ["terminating"], "cancelled", { reason: "Deleted by user", finishedAt: now }, ev.deleted(now, "Session deleted while it was starting"));
  }

  // ── engine events ────────────────────────────────────────────────────────

  async handleRunEvent(e: RunEvent): Promise<void> {
    switch (e.kind) {
      case "started": {
        // The pending reason an engine reported (Slurm's) no longer applies.
        const running = await this.d.store.jobs.transition(e.jobId, ["starting"], "running", { startedAt: e.at, reason: null }, ev.started(e.at));
        if (running) {
          this.armDeadline(running);
          this.d.notifier.changed(running);
        }
        return;
      }
      case "exited":
        await this.finishRun(e.jobId, e);
        return;
      case "note":
        await this.d.store.events.append(e.jobId, { type: e.type, reason: e.reason, message: e.message, at: e.at });
        return;
      case "pending":
        await this.d.store.jobs.update(e.jobId, { reason: e.reason }, { type: "Normal", reason: "Pending", message: e.reason, at: this.d.clock.now() });
        return;
    }
  }

  /** Records how a run ended. Retries when the job moved under us (e.g. starting → running). */
  private async finishRun(jobId: JobId, exit: ExitReport): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const job = await this.d.store.jobs.get(jobId);
      if (!job || job.state === "queued") return;
      if (isTerminal(job.state)) {
        await this.releaseEngineSide(job);
        return;
      }
      const { to, reason, event } = this.outcome(job, exit);
      // The engine's start time is the truth; ours is when the start call returned, a little later.
      const startedAt = exit.startedAt ?? job.startedAt ?? exit.at;
      const finishedAt = exit.at > startedAt ? exit.at : startedAt;
      const patch: JobPatch = {
        exitCode: exit.exitCode,
        reason,
        finishedAt,
        startedAt,
        coreSeconds: job.resources.coresRequest * ((finishedAt.getTime() - startedAt.getTime()) / 1000),
      };
      if (await this.finishAs(jobId, [job.state], to, patch, event)) return;
    }
  }

  private outcome(job: Job, exit: ExitReport): { to: JobState; reason: string | null; event: NewJobEvent } {
    const at = exit.at;
    if (job.state === "terminating") {
      // A negative exit code: the run never ran (Slurm cancelled it while it was queued there).
      const message = exit.exitCode < 0 ? "Session deleted before it started" : `Session deleted; container stopped (exit code ${exit.exitCode})`;
      return { to: "cancelled", reason: "Deleted by user", event: ev.deleted(at, message) };
    }
    if (exit.exitCode === 0) return { to: "succeeded", reason: null, event: ev.completed(at) };
    const expiry = expiryOf({ startedAt: job.startedAt ?? exit.startedAt, deadlineSeconds: job.deadlineSeconds });
    if (this.deadlineKills.has(job.id) || (expiry && at >= expiry) || exit.reason?.startsWith("DeadlineExceeded")) {
      return { to: "failed", reason: `DeadlineExceeded: active longer than ${job.deadlineSeconds}s`, event: ev.deadlineExceeded(at, job.deadlineSeconds) };
    }
    if (exit.oomKilled || (exit.exitCode === 137 && !this.stoppedBySkyrun.has(job.id))) {
      const limit = `${job.resources.ramLimitGB} GiB`;
      const message = exit.oomKilled
        ? `Container was killed for exceeding its memory limit of ${limit}`
        : `Container was killed by SIGKILL (exit code 137), which here means it ran out of memory (limit ${limit})`;
      return { to: "failed", reason: `OOMKilled: ${message}`, event: ev.oomKilled(at, message) };
    }
    if (exit.reason) return { to: "failed", reason: exit.reason, event: ev.endedByEngine(at, exit.reason) };
    return { to: "failed", reason: `Error: container exited with code ${exit.exitCode}`, event: ev.failed(at, exit.exitCode) };
  }

  /** Moves a job to a terminal state and cleans up after it. Returns false when it lost the race. */
  private async finishAs(jobId: JobId, from: readonly JobState[], to: JobState, patch: JobPatch, event: NewJobEvent): Promise<boolean> {
    const finishedAt = patch.finishedAt ?? this.d.clock.now();
    const visibleUntil = to === "cancelled" ? finishedAt : new Date(finishedAt.getTime() + this.s.listingTtlSeconds * 1000);
    // Registry credentials are kept (sealed) only while a pull may still be needed.
    const done = await this.d.store.jobs.transition(jobId, from, to, { ...patch, finishedAt, visibleUntil, sealedRegistryAuth: null }, event);
    if (!done) return false;
    await this.afterTerminal(done);
    return true;
  }

  private async afterTerminal(job: Job): Promise<void> {
    this.clearDeadline(job.id);
    this.stoppedBySkyrun.delete(job.id);
    this.deadlineKills.delete(job.id);
    this.d.ledger.release(job.id);
    this.d.notifier.changed(job);
    // The next job may start while this run's container is being removed.
    this.d.finished(job);
    await this.takePrepared(job.id); // a run being prepared is released once it exists
    await this.releaseEngineSide(job);
  }

  private async releaseEngineSide(job: Job): Promise<void> {
    try {
      this.d.dirs.removeScratch(job.id);
      await this.d.executor.release(refOf(job));
    } catch (e) {
      this.d.log.warn({ jobId: job.id, err: toError(e).message }, "could not release the run; the reconciler will retry");
    }
  }

  /** Fails a queued job that can never run (a dependency failed or was deleted). */
  async failQueued(jobId: JobId, message: string): Promise<void> {
    const now = this.d.clock.now();
    await this.finishAs(jobId, ["queued"], "failed", { reason: `DependencyFailed: ${message}`, finishedAt: now }, ev.dependencyFailed(now, message));
  }

  // ── deletion ─────────────────────────────────────────────────────────────

  /**
   * Deletes a job as `DELETE /session/{id}` asks: a queued job ends at once; a live run
   * goes Terminating and is stopped; a finished job just leaves the listing.
   * The caller removes a queued job from the queue first.
   */
  async delete(job: Job): Promise<Job> {
    const now = this.d.clock.now();
    if (job.state === "queued") {
      const done = await this.d.store.jobs.transition(job.id, ["queued"], "cancelled", { reason: "Deleted by user", finishedAt: now, visibleUntil: now, sealedRegistryAuth: null }, ev.deleted(now, "Session deleted before it started"));
      if (done) {
        await this.afterTerminal(done);
        return done;
      }
      return this.delete((await this.d.store.jobs.get(job.id)) ?? job);
    }
    if (job.state === "starting" || job.state === "running") {
      const terminating = await this.d.store.jobs.transition(job.id, ["starting", "running"], "terminating", {}, ev.killing(now, this.s.stopGraceSeconds));
      if (!terminating) return this.delete((await this.d.store.jobs.get(job.id)) ?? job);
      this.d.notifier.changed(terminating);
      // An engine that queues runs itself (Slurm) holds submitted runs in `starting`: those must be stopped too.
      if (job.state === "running" || (job.runHandle !== null && this.d.executor.queuesItself)) void this.stopRun(terminating);
      return terminating;
    }
    if (isTerminal(job.state) && job.visibleUntil > now) {
      return (await this.d.store.jobs.update(job.id, { visibleUntil: now })) ?? job;
    }
    return job;
  }

  /** Stops a terminating job's run and records the end once the engine confirms it. */
  private async stopRun(job: Job): Promise<void> {
    this.stoppedBySkyrun.add(job.id);
    try {
      await this.d.executor.cancel(refOf(job), this.s.stopGraceSeconds);
      const status = (await this.d.executor.statuses([refOf(job)])).get(job.id);
      await this.applyStatus(job, status);
    } catch (e) {
      this.stoppedBySkyrun.delete(job.id);
      this.d.log.warn({ jobId: job.id, err: toError(e).message }, "stopping the run failed; the reconciler will retry");
    }
  }

  // ── deadlines and renewal ────────────────────────────────────────────────

  armDeadline(job: Job): void {
    this.clearDeadline(job.id);
    const expiry = expiryOf(job);
    if (!expiry || job.state !== "running") return;
    this.d.ledger.setExpectedEnd(job.id, expiry.getTime());
    const delayMs = Math.max(0, expiry.getTime() - this.d.clock.now().getTime());
    const timer = setTimeout(() => void this.onDeadline(job.id), Math.min(delayMs, MAX_TIMER_MS));
    timer.unref();
    this.deadlineTimers.set(job.id, timer);
  }

  private clearDeadline(id: JobId): void {
    const t = this.deadlineTimers.get(id);
    if (t) clearTimeout(t);
    this.deadlineTimers.delete(id);
  }

  private async onDeadline(id: JobId): Promise<void> {
    this.deadlineTimers.delete(id);
    const job = await this.d.store.jobs.get(id);
    if (!job || job.state !== "running") return;
    const expiry = expiryOf(job);
    if (expiry && expiry > this.d.clock.now()) {
      this.armDeadline(job); // renewed meanwhile, or a deadline beyond setTimeout's range
      return;
    }
    this.deadlineKills.add(id);
    this.stoppedBySkyrun.add(id);
    this.d.log.info({ jobId: id }, "deadline reached; stopping the run");
    try {
      await this.d.executor.cancel(refOf(job), this.s.stopGraceSeconds);
    } catch (e) {
      this.d.log.warn({ jobId: id, err: toError(e).message }, "could not stop a run past its deadline; retrying");
      const retry = setTimeout(() => void this.onDeadline(id), 5000);
      retry.unref();
    }
  }

  // ── recovery ─────────────────────────────────────────────────────────────

  /**
   * After a restart: holds capacity for live runs (the scheduler reloads the queued
   * ones itself). Call `reconcile` once the engine is connected.
   */
  async recover(): Promise<void> {
    const nowMs = this.d.clock.now().getTime();
    for (const job of await this.d.store.jobs.listLive()) {
      this.d.ledger.hold(job.id, { demand: demandOf(job), owner: job.owner.username, expectedEndMs: (job.startedAt?.getTime() ?? nowMs) + job.deadlineSeconds * 1000, chargedUntilMs: nowMs });
      if (job.state === "running") this.armDeadline(job);
    }
  }

  /**
   * Compares live jobs with what the engine knows and settles the differences: runs
   * that ended while nobody listened, runs that vanished, deletions to finish.
   */
  async reconcile(): Promise<void> {
    const active = await this.d.store.jobs.listLive();
    // A launch in flight is between calls to the engine; the reconciler would see half of it.
    const candidates = active.filter((j) => !this.launching.has(j.id));
    if (candidates.length === 0) return;
    const statuses = await this.d.executor.statuses(candidates.map(refOf));
    for (const job of candidates) await this.applyStatus(job, statuses.get(job.id));
  }

  private async applyStatus(job: Job, status: RunStatus | undefined): Promise<void> {
    if (!status) return;
    const now = this.d.clock.now();
    switch (status.phase) {
      case "running":
        if (job.state === "starting") await this.handleRunEvent({ kind: "started", jobId: job.id, at: status.startedAt });
        else if (job.state === "terminating") await this.stopRunOnce(job);
        return;
      case "exited":
        await this.finishRun(job.id, { exitCode: status.exitCode, oomKilled: status.oomKilled, startedAt: status.startedAt, at: status.finishedAt, reason: status.reason });
        return;
      case "pending":
        // Created but never started: finish the launch. A run with a handle is queued by its engine (Slurm) and waits.
        if (job.state === "starting" && job.runHandle === null) await this.submit(job);
        else if (job.state === "terminating") await this.stopRunOnce(job);
        return;
      case "vanished":
        if (job.state === "starting") {
          const back = await this.d.store.jobs.transition(job.id, ["starting"], "queued", { reason: null }, ev.requeued(now, "Run was not found on the engine after a restart; queued again"));
          this.d.ledger.release(job.id);
          if (back) this.d.requeue(back);
        } else if (job.state === "terminating") {
          await this.finishAs(job.id, ["terminating"], "cancelled", { reason: "Deleted by user", finishedAt: now }, ev.deleted(now, "Session deleted"));
        } else {
          await this.finishAs(job.id, ["running"], "failed", { reason: `Lost: ${status.reason}`, finishedAt: now }, ev.vanished(now, status.reason));
        }
        return;
    }
  }

  private async stopRunOnce(job: Job): Promise<void> {
    if (!this.stoppedBySkyrun.has(job.id)) await this.stopRun(job);
  }

  close(): void {
    for (const t of this.deadlineTimers.values()) clearTimeout(t);
    this.deadlineTimers.clear();
  }
}
