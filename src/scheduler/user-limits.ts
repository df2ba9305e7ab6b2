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

/** Why a user may not start another job of `cores` now, or undefined when they may. */
export function runningLimitReason(limits: UserLimits, load: UserLoad, cores: number): string | undefined {
  if (limits.maxRunningJobs > 0 && load.jobs >= limits.maxRunningJobs) {
    return `user limit: ${load.jobs} of ${limits.maxRunningJobs} running jobs`;
  }
  if (limits.maxRunningCores > 0 && load.cores + cores > limits.maxRunningCores + 1e-9) {
    return `user limit: ${round(load.cores)} of ${limits.maxRunningCores} running cores in use, this session needs ${round(cores)}`;
  }
  return undefined;
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
