import type { Logger } from "pino";
import type { Clock } from "../../domain/clock.js";
import { isAppError, toError } from "../../domain/errors.js";
import type { JobId } from "../../domain/ids.js";
import type { RunEventListener, RunRef, RunStatus } from "../executor.js";
import type { SlurmSnapshot, SlurmView } from "./slurm-view.js";

/** With nothing to watch, Slurm is still asked this often, so `isAvailable` stays true to life. */
const IDLE_POLL_MS = 5000;
/** After a submit or cancel, the next poll comes this soon at the latest. */
const WAKE_MS = 100;

/** What the poll loop knows of a run it watches, to report each change once. */
interface Watched {
  slurmId: string | null;
  /** Which attempt of the job: its Slurm job is found by that attempt's name. */
  readonly attempt: number;
  /** When watching began (ms): a snapshot taken before cannot show the run yet. */
  readonly sinceMs: number;
  seenRunning: boolean;
  reported: "none" | "pending" | "started";
  pendingReason: string | undefined;
}

/**
 * Watches skyrun's runs on Slurm with one `squeue` per interval and turns what changed
 * into events: `pending` with Slurm's reason, `started`, `exited`. Each change is
 * reported once.
 */
export class SlurmWatcher {
  private readonly watched = new Map<JobId, Watched>();
  private listener: RunEventListener = () => undefined;
  private available = false;
  private closed = false;
  private cancelTimer: (() => void) | undefined;
  private polling: Promise<void> | undefined;
  private latest: SlurmSnapshot | undefined;

  constructor(private readonly view: SlurmView, private readonly clock: Clock, private readonly log: Logger, private readonly pollIntervalMs: number) {}

  /** Takes the first snapshot (rethrowing when Slurm does not answer) and starts polling either way. */
  async start(listener: RunEventListener): Promise<void> {
    this.listener = listener;
    try {
      await this.snapshot();
    } finally {
      this.schedule(this.pollIntervalMs);
    }
  }

  isAvailable(): boolean {
    return this.available;
  }

  /** The last snapshot, if any. */
  get last(): SlurmSnapshot | undefined {
    return this.latest;
  }

  async snapshot(): Promise<SlurmSnapshot> {
    try {
      this.latest = await this.view.snapshot();
      if (!this.available) this.log.info("Slurm answers");
      this.available = true;
      return this.latest;
    } catch (e) {
      if (this.available) this.log.warn({ err: toError(e).message }, "Slurm does not answer; jobs wait until it does");
      this.available = false;
      throw e;
    }
  }

  /** Watches a run (or learns its Slurm id); returns what is known of it. */
  watch(ref: RunRef): { slurmId: string | null; seenRunning: boolean } {
    let w = this.watched.get(ref.jobId);
    if (!w || w.attempt !== (ref.attempt ?? 1)) {
      w = { slurmId: ref.handle, attempt: ref.attempt ?? 1, sinceMs: this.clock.now().getTime(), seenRunning: false, reported: "none", pendingReason: undefined };
      this.watched.set(ref.jobId, w);
    } else if (ref.handle) {
      w.slurmId = ref.handle;
    }
    return w;
  }

  known(jobId: JobId): { slurmId: string | null; seenRunning: boolean } | undefined {
    return this.watched.get(jobId);
  }

  markRunning(jobId: JobId): void {
    const w = this.watched.get(jobId);
    if (w) w.seenRunning = true;
  }

  forget(jobId: JobId): void {
    this.watched.delete(jobId);
  }

  /** Makes the next poll come soon (a submit or cancel happened). */
  wake(): void {
    if (!this.polling) this.schedule(Math.min(this.pollIntervalMs, WAKE_MS));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cancelTimer?.();
    await this.polling;
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.cancelTimer?.();
    this.cancelTimer = this.clock.setTimer(delayMs, () => {
      this.cancelTimer = undefined;
      this.polling ??= this.pollOnce()
        .catch((e: unknown) => { if (!isAppError(e)) this.log.error({ err: e }, "Slurm poll failed"); })
        .finally(() => {
          this.polling = undefined;
          this.schedule(this.watched.size > 0 ? this.pollIntervalMs : IDLE_POLL_MS);
        });
    });
  }

  private async pollOnce(): Promise<void> {
    const s = await this.snapshot();
    for (const [jobId, w] of [...this.watched]) {
      if (w.sinceMs >= s.at.getTime()) continue; // submitted while squeue ran: next time
      const ref = { jobId, handle: w.slurmId, attempt: w.attempt, seenRunning: w.seenRunning };
      w.slurmId ??= this.view.rowOf(ref, s)?.slurmId ?? null;
      this.report(jobId, w, await this.view.statusOf(ref, s));
    }
  }

  /** Reports what changed for one watched run. */
  private report(jobId: JobId, w: Watched, status: RunStatus): void {
    switch (status.phase) {
      case "pending":
        if (status.reason && (w.reported !== "pending" || w.pendingReason !== status.reason)) this.listener({ kind: "pending", jobId, reason: status.reason });
        w.reported = "pending";
        w.pendingReason = status.reason;
        return;
      case "running":
        w.seenRunning = true;
        if (w.reported !== "started") this.listener({ kind: "started", jobId, at: status.startedAt });
        w.reported = "started";
        return;
      case "exited":
        this.watched.delete(jobId);
        this.listener({ kind: "exited", jobId, exitCode: status.exitCode, oomKilled: status.oomKilled, startedAt: status.startedAt, at: status.finishedAt, ...(status.reason ? { reason: status.reason } : {}) });
        return;
      case "vanished":
        // The reconciler asks `statuses` and settles it; nothing to push.
        this.watched.delete(jobId);
        this.log.warn({ jobId, slurmId: w.slurmId, reason: status.reason }, "run vanished from Slurm");
        return;
    }
  }
}
