import type { JobId } from "../../domain/ids.js";
import type { RunInterventions } from "../../domain/run-outcome.js";

/**
 * What skyrun itself is doing to live runs, which changes how their ends read and
 * what the reconciler may judge. Kept in memory: after a restart a run is judged by
 * the engine's view alone.
 */
export class RunMarks {
  /** Runs skyrun itself stopped, so a SIGKILL exit is not mistaken for an OOM kill. */
  private readonly stopped = new Set<JobId>();
  /** Runs stopped because their deadline passed. */
  private readonly deadlineKills = new Set<JobId>();
  /** Jobs whose submit is in flight here: the engine's view of them is partial. */
  private readonly launching = new Set<JobId>();
  /** Runs stopped because their log passed the per-job cap. */
  private readonly logLimited = new Set<JobId>();

  markStopped(id: JobId): void {
    this.stopped.add(id);
  }

  unmarkStopped(id: JobId): void {
    this.stopped.delete(id);
  }

  isStopped(id: JobId): boolean {
    return this.stopped.has(id);
  }

  markDeadlineKill(id: JobId): void {
    this.deadlineKills.add(id);
    this.stopped.add(id);
  }

  markLaunching(id: JobId): void {
    this.launching.add(id);
  }

  unmarkLaunching(id: JobId): void {
    this.launching.delete(id);
  }

  isLaunching(id: JobId): boolean {
    return this.launching.has(id);
  }

  markLogLimited(id: JobId): void {
    this.logLimited.add(id);
    this.stopped.add(id);
  }

  unmarkLogLimited(id: JobId): void {
    this.logLimited.delete(id);
    this.stopped.delete(id);
  }

  isLogLimited(id: JobId): boolean {
    return this.logLimited.has(id);
  }

  interventionsOf(id: JobId): RunInterventions {
    return { stoppedBySkyrun: this.stopped.has(id), deadlineKill: this.deadlineKills.has(id), logLimitKill: this.logLimited.has(id) };
  }

  /** The run ended: nothing about it matters any more. */
  forget(id: JobId): void {
    this.stopped.delete(id);
    this.deadlineKills.delete(id);
    this.logLimited.delete(id);
  }
}
