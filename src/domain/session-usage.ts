/** Live usage of a running session, from the engine. */
export interface SessionUsage {
  /** Cores in use now (CPU time per wall time). */
  readonly cpuCores: number;
  /** Resident memory in bytes. */
  readonly ramBytes: number;
}
