import { toError } from "../../domain/errors.js";
import type { Job } from "../../domain/job.js";
import { lifecycleEvents as ev } from "../../domain/lifecycle-events.js";
import { cutLogAtCap, logSize } from "../../storage/log-limit.js";
import { refOf, type LifecycleDeps } from "./lifecycle-deps.js";
import type { RunMarks } from "./run-marks.js";

const MIB = 1024 * 1024;

export interface LogLimitSettings {
  /** A session's log may grow to this many MiB; 0: no limit. */
  readonly maxLogMiB: number;
}

/**
 * Keeps each job's log within the per-job cap, so one job cannot fill the data disk:
 * a run whose log passes it is stopped (Kubernetes evicts a pod over its ephemeral
 * storage the same way), an event says so, and once the run has ended its log is cut
 * at the cap with a marker line saying why it ends there.
 */
export class LogLimits {
  constructor(private readonly d: Pick<LifecycleDeps, "store" | "executor" | "dirs" | "clock" | "log"> & { readonly marks: RunMarks }, private readonly s: LogLimitSettings) {}

  get capBytes(): number {
    return this.s.maxLogMiB * MIB;
  }

  /** Looks at every running job's log once; a run over the cap is stopped. */
  async check(): Promise<void> {
    if (this.s.maxLogMiB <= 0) return;
    for (const job of await this.d.store.jobs.listLive()) {
      if (job.state !== "running" || this.d.marks.isLogLimited(job.id)) continue;
      if ((await logSize(this.d.dirs.logPathOf(job.id))) > this.capBytes) await this.stop(job);
    }
  }

  private async stop(job: Job): Promise<void> {
    this.d.marks.markLogLimited(job.id);
    this.d.log.info({ jobId: job.id, maxLogMiB: this.s.maxLogMiB }, "log limit reached; stopping the run");
    await this.d.store.events.append(job.id, ev.logLimitExceeded(this.d.clock.now(), this.s.maxLogMiB));
    try {
      await this.d.executor.cancel(refOf(job));
    } catch (e) {
      this.d.marks.unmarkLogLimited(job.id); // the next check tries again
      this.d.log.warn({ jobId: job.id, err: toError(e).message }, "could not stop a run over its log limit");
    }
  }

  /** After a run stopped for its log has ended and its engine let go of the log: cuts it at the cap, with a marker. */
  async cut(job: Job): Promise<void> {
    const message = `[skyrun] the log limit of ${this.s.maxLogMiB} MiB was reached: the session was stopped and its output after this point was not kept`;
    await cutLogAtCap(this.d.dirs.logPathOf(job.id), this.d.executor.logFormat, this.capBytes, message, this.d.clock.now()).catch((e: unknown) => {
      this.d.log.warn({ jobId: job.id, err: toError(e).message }, "could not cut a log at its limit");
    });
  }
}
