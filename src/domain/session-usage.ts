/** Live usage of a running session, from the engine. */
export interface SessionUsage {
  /** Cores in use now (CPU time per wall time). */
  readonly cpuCores: number;
  /** Resident memory in bytes. */
  readonly ramBytes: number;
  /** CPU time the run has used since it started, in core-seconds, when the engine counts it (Podman). */
  readonly cpuSeconds?: number;
}
