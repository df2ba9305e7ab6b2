import type { EngineImageFacts } from "../domain/image-access.js";
import type { JobId } from "../domain/ids.js";
import type { Owner, Resources } from "../domain/job.js";
import type { PosixAccounts } from "../domain/posix-accounts.js";
import type { EngineNode } from "../domain/resources.js";
import type { SessionUsage } from "../domain/session-usage.js";

export type ExecutorKind = "local" | "slurm";

/** Credentials for pulling a private image: only ever held in memory. */
export interface RegistryCredentials {
  readonly username: string;
  readonly secret: string;
}

export interface BindMount {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/** Everything an engine needs to run one job, already resolved by skyrun. */
export interface RunRequest {
  readonly jobId: JobId;
  /** 1-based attempt of the job this run is (a retried job runs again). */
  readonly attempt: number;
  readonly image: string;
  readonly command: readonly string[] | null;
  readonly args: readonly string[] | null;
  /** The full environment: the user's, then skyrun's (which wins). */
  readonly env: readonly (readonly [string, string])[];
  readonly owner: Owner;
  /** Names for the owner's uid and gids, for the container's /etc/passwd and /etc/group. */
  readonly accounts: PosixAccounts;
  readonly resources: Resources;
  readonly hostname: string;
  readonly workingDir: string;
  readonly mounts: readonly BindMount[];
  /** Where the engine writes stdout and stderr, in the executor's `logFormat`. */
  readonly logPath: string;
  readonly deadlineSeconds: number;
  readonly registryAuth: RegistryCredentials | null;
}

/** What an engine reports about a run it knows. */
export type RunStatus =
  | { readonly phase: "pending"; readonly reason?: string }
  | { readonly phase: "running"; readonly startedAt: Date }
  | { readonly phase: "exited"; readonly exitCode: number; readonly startedAt: Date | null; readonly finishedAt: Date; readonly oomKilled: boolean; readonly reason?: string }
  | { readonly phase: "vanished"; readonly reason: string };

/** Something the engine tells us about a run, pushed as it happens. */
export type RunEvent =
  | { readonly kind: "started"; readonly jobId: JobId; readonly at: Date }
  | { readonly kind: "exited"; readonly jobId: JobId; readonly exitCode: number; readonly oomKilled: boolean; readonly at: Date; readonly startedAt: Date | null; readonly reason?: string }
  | { readonly kind: "pending"; readonly jobId: JobId; readonly reason: string }
  | { readonly kind: "note"; readonly jobId: JobId; readonly type: "Normal" | "Warning"; readonly reason: string; readonly message: string; readonly at: Date };

export type RunEventListener = (event: RunEvent) => void;

/** Which run: the job, and the engine's handle for it when known (container name, Slurm job id). */
export interface RunRef {
  readonly jobId: JobId;
  readonly handle: string | null;
  /** Which attempt of the job. @defaultValue 1 */
  readonly attempt?: number;
}

export interface SubmitResult {
  /** The engine's id for the run, kept in the database. */
  readonly handle: string;
  /** When the run started, if it already has (Podman); null while the engine queues it (Slurm). */
  readonly startedAt: Date | null;
}

/**
 * An engine adapter. Implementations translate engine failures into ExecutorError:
 * EXECUTOR_UNAVAILABLE (retry later) or EXECUTOR_REJECTED (this run can never work).
 */
export interface Executor {
  readonly kind: ExecutorKind;
  /** How `logPath` files are written: Podman's k8s-file lines, or raw bytes. */
  readonly logFormat: "k8s-file" | "raw";
  /** True when the engine queues and orders jobs itself (Slurm); skyrun then admits at once. */
  readonly queuesItself: boolean;
  /** Connects and starts delivering events. Resolves once the engine answered. */
  start(onEvent: RunEventListener): Promise<void>;
  /** Cheap, no I/O: did the engine answer recently? */
  isAvailable(): boolean;
  /**
   * Hands the run to the engine. Idempotent per job id: a retried submit never starts
   * two runs. A run that has not started yet reports it later with a `started` event.
   */
  submit(run: RunRequest): Promise<SubmitResult>;
  /**
   * Optional: creates the run without starting it, for a job next in line, so that its
   * `submit` only has to start it. Best effort, never throws: when it could not prepare
   * (the image must be pulled first, the engine refused), `submit` does all the work.
   * `release` undoes it.
   */
  prepare?(run: RunRequest): Promise<void>;
  /** The engine's view of these runs; a run it does not know is `vanished`. */
  statuses(runs: readonly RunRef[]): Promise<Map<JobId, RunStatus>>;
  /** Seconds between SIGTERM and SIGKILL when a run is stopped (the engine's own setting). */
  readonly stopGraceSeconds: number;
  /** Stops a run (SIGTERM, then SIGKILL after `stopGraceSeconds`). Idempotent: unknown or finished runs resolve. */
  cancel(run: RunRef): Promise<void>;
  /** Frees what the engine keeps of a finished run (the container). Idempotent. */
  release(run: RunRef): Promise<void>;
  /** CPU and memory in use by a running run, or undefined when unknown. */
  usage(run: RunRef): Promise<SessionUsage | undefined>;
  close(): Promise<void>;
}

/** Optional: an engine that can move a run's deadline (Slurm's time limit). */
export interface DeadlineExtension {
  extendDeadline(run: RunRef, deadlineSeconds: number): Promise<void>;
}
export const canExtendDeadline = (e: Executor): e is Executor & DeadlineExtension => "extendDeadline" in e;

/** An image the engine holds. */
export interface EngineImage {
  readonly id: string;
  readonly tags: readonly string[];
  readonly digest: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Optional: an engine that holds images locally (Podman, Docker). */
export interface ImageListing {
  listImages(): Promise<EngineImage[]>;
  /** The image the engine resolves this reference (name, id or digest) to; undefined when it holds none. */
  inspectImage(reference: string): Promise<EngineImageFacts | undefined>;
}
export const canListImages = (e: Executor): e is Executor & ImageListing => "listImages" in e;

/** Optional: an engine that reports its own capacity (Slurm's sinfo). */
export interface CapacityReport {
  capacity(): Promise<{ cores: number; ramGB: number; coresAllocated: number; ramAllocatedGB: number; nodes?: readonly EngineNode[] }>;
  /** The partition runs go to; undefined for the cluster's default. */
  readonly partition?: string | undefined;
}

export const canReportCapacity = (e: Executor): e is Executor & CapacityReport => "capacity" in e;
