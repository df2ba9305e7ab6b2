import type { JobId } from "../domain/ids.js";
import type { Job } from "../domain/job.js";
import type { EngineNode } from "../domain/resources.js";
import type { SessionUsage } from "../domain/session-usage.js";
import type { ResourceAmounts, WaitExplanation } from "../domain/wait-explanation.js";

/** Called with a job each time it changes state or fields the scheduler manages. */
export type JobListener = (job: Job) => void;

/** What is offered and what is held, the engine's own figures when it has them (Slurm's sinfo). */
export interface CapacitySnapshot {
  readonly total: ResourceAmounts;
  readonly inUse: ResourceAmounts;
  /** The engine's nodes, when it has several and lists them (Slurm). */
  readonly nodes?: readonly EngineNode[];
  /** The engine's partition runs go to, when one is configured (Slurm). */
  readonly partition?: string;
}


/** Live figures of the queue and the runs, in memory: no I/O. */
export interface SchedulingCounts {
  /** Jobs queued, or waiting on dependencies. */
  readonly queued: number;
  /** Runs holding capacity (starting, running, terminating). */
  readonly live: number;
  /** What those runs hold. */
  readonly inUse: ResourceAmounts;
}

/**
 * The one port between the use cases (`jobs/`) and scheduling. The scheduler
 * implements it; the API and the use cases see nothing else of it.
 */
export interface SchedulingPort {
  /** Hands freshly stored jobs to scheduling, resolving their dependencies. */
  submit(jobs: readonly Job[]): Promise<void>;
  /**
   * Deletes a job as `DELETE /session/{id}` asks: a queued one ends at once, a live run
   * goes Terminating and is stopped, a finished one leaves the listing. Idempotent.
   */
  cancel(job: Job): Promise<Job>;
  /** Moves a running job's deadline to `deadlineSeconds` after its start, on the engine too; records the event. */
  renew(job: Job, deadlineSeconds: number): Promise<Job>;
  /** Why a job that has not started waits, as the scheduling pass (or the engine) decided; undefined otherwise. */
  explain(job: Job): WaitExplanation | undefined;
  counts(): SchedulingCounts;
  /** Jobs of this user queued or waiting. */
  queuedFor(user: string): number;
  /** Calls `listener` on every change of job `id`; returns the unsubscribe function. */
  watch(id: JobId, listener: JobListener): () => void;
  /** Calls `listener` on every change of any job; returns the unsubscribe function. */
  watchAll(listener: JobListener): () => void;
  capacity(): Promise<CapacitySnapshot>;
  /** CPU and memory a running job uses now, from the engine; undefined when not running or unknown. */
  liveUsage(job: Job): Promise<SessionUsage | undefined>;
  /** Cheap, no I/O: does the engine answer? */
  isEngineAvailable(): boolean;
}
