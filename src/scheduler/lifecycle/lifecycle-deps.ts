import type { Logger } from "pino";
import type { Clock } from "../../domain/clock.js";
import type { Job } from "../../domain/job.js";
import type { Executor, RunRequest } from "../../executors/executor.js";
import type { JobDirectories } from "../../storage/job-directories.js";
import type { Store } from "../../store/store.js";
import type { CapacityLedger } from "../capacity-ledger.js";
import type { JobNotifier } from "../job-notifier.js";

export interface LifecycleSettings {
  /** Finished sessions stay in `GET /session` this long. */
  readonly listingTtlSeconds: number;
  /** A session's log may grow to this many MiB before its run is stopped; 0: no limit. */
  readonly maxLogMiB: number;
  /** The first retry of a failed attempt waits this long; each next one twice as long, at most `retryMaxBackoffSeconds`. */
  readonly retryBackoffSeconds: number;
  readonly retryMaxBackoffSeconds: number;
}

/** What the parts of a job's lifecycle share. */
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
  /** A failed attempt will be retried: queue the job for its next attempt (after its `retryAt`). */
  readonly retry: (job: Job) => void;
  /** A job reached a terminal state: capacity is free, dependents may move. */
  readonly ended: (job: Job) => void;
}

export const refOf = (job: Job) => ({ jobId: job.id, handle: job.runHandle, attempt: job.attempt });
