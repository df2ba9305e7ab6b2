import type { WaitReason } from "../domain/wait-explanation.js";

/** Per-user limits; 0 means no limit. */
export interface UserLimits {
  readonly maxRunningJobs: number;
  readonly maxRunningCores: number;
  readonly maxQueuedJobs: number;
}

export interface UserLoad {
  readonly jobs: number;
  readonly cores: number;
}

export type UserLimitHit = Extract<WaitReason, { kind: "user-limit" }>;

const round = (n: number): number => Math.round(n * 1000) / 1000;

/** The limit that keeps a user from starting another job of `cores` now, or undefined when none does. */
export function runningLimitHit(limits: UserLimits, load: UserLoad, cores: number): UserLimitHit | undefined {
  if (limits.maxRunningJobs > 0 && load.jobs >= limits.maxRunningJobs) {
    return { kind: "user-limit", limit: "running-jobs", inUse: load.jobs, max: limits.maxRunningJobs, need: 1 };
  }
  if (limits.maxRunningCores > 0 && load.cores + cores > limits.maxRunningCores + 1e-9) {
    return { kind: "user-limit", limit: "running-cores", inUse: round(load.cores), max: limits.maxRunningCores, need: round(cores) };
  }
  return undefined;
}
