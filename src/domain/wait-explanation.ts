import type { JobId } from "./ids.js";

/** Cores, RAM (GiB) and GPUs: what a job asks for, or what is free or offered. */
export interface ResourceAmounts {
  readonly cores: number;
  readonly ramGB: number;
  readonly gpus: number;
}

/**
 * Why a queued job has not started, as the scheduling pass that looked at it decided
 * (Kueue records inadmissible reasons the same way). Numbers, not prose: one presenter
 * turns it into the words the API and the CLI show.
 */
export type WaitReason =
  /** It runs only after these sessions succeed. */
  | { readonly kind: "dependencies"; readonly waitingOn: readonly JobId[] }
  /** It does not fit in what is free. */
  | { readonly kind: "capacity"; readonly need: ResourceAmounts; readonly free: ResourceAmounts; readonly total: ResourceAmounts }
  /** It would fit, but starting it would delay the job at the head of the queue (EASY backfill). */
  | { readonly kind: "reserved"; readonly need: ResourceAmounts; readonly free: ResourceAmounts; readonly total: ResourceAmounts; readonly reservedFor: JobId }
  /** Its owner is at a per-user limit. */
  | { readonly kind: "user-limit"; readonly limit: "running-jobs" | "running-cores"; readonly inUse: number; readonly max: number; readonly need: number }
  /** The container engine does not answer; nothing starts until it does. */
  | { readonly kind: "engine-unavailable" }
  /** The engine queues runs itself (Slurm) and says why this one waits there. */
  | { readonly kind: "engine-queue"; readonly detail: string }
  /** The last pass stopped before reaching it (it examines at most `depth` jobs). */
  | { readonly kind: "not-examined"; readonly depth: number }
  /** Its set (or label group) already runs as many as `maxRunning` allows. */
  | { readonly kind: "throttle"; readonly scope: "set" | "label"; readonly label?: string; readonly running: number; readonly max: number }
  /** An attempt failed; the next starts no earlier than `until`. */
  | { readonly kind: "retry-backoff"; readonly until: Date; readonly attempt: number; readonly attempts: number };

export interface WaitExplanation {
  readonly reason: WaitReason;
  /** 1-based place in the queue; null when it is beyond `positionLimit` or has none (dependencies, engine queue). */
  readonly position: number | null;
  /** Positions are counted this far. */
  readonly positionLimit: number;
  /** When the deciding pass ran. */
  readonly decidedAt: Date;
}
