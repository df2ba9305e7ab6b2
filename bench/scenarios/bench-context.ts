/** How big a run is: smoke (CI, seconds), quick (< 5 minutes), full (the published figures). */
export type BenchMode = "smoke" | "quick" | "full";

export interface BenchContext {
  readonly mode: BenchMode;
  /** Scratch space for data directories and stores. */
  readonly root: string;
  readonly engineSocket: string;
  /** The containers.conf both skyrun's Podman and the bare podman runs use. */
  readonly containersConf: string;
  readonly image: string;
}

/** The sizes of each scenario per mode. */
export const SIZES = {
  smoke: { submits: 300, sbatchSubmits: 30, replicas: 10_000, dispatchSamples: 5, makespanJobs: 10, finished: 5_000, queued: 500, listRequests: 100, saturatedClients: 200, saturatedRequestsPerClient: 2, saturatedBurners: 4,
    decisionQueued: 10_000, decisionSamples: 50, slurmReplicas: 10, traceJobs: 8, traceMedianRunSeconds: 1, traceMaxRunSeconds: 3, traceMeanGapSeconds: 0.5 },
  quick: { submits: 3_000, sbatchSubmits: 300, replicas: 10_000, dispatchSamples: 15, makespanJobs: 40, finished: 50_000, queued: 5_000, listRequests: 400, saturatedClients: 200, saturatedRequestsPerClient: 10, saturatedBurners: 40,
    decisionQueued: 100_000, decisionSamples: 200, slurmReplicas: 100, traceJobs: 40, traceMedianRunSeconds: 3, traceMaxRunSeconds: 20, traceMeanGapSeconds: 0.6 },
  full: { submits: 20_000, sbatchSubmits: 1_000, replicas: 10_000, dispatchSamples: 40, makespanJobs: 1_000, finished: 1_000_000, queued: 100_000, listRequests: 1_000, saturatedClients: 200, saturatedRequestsPerClient: 50, saturatedBurners: 200,
    decisionQueued: 1_000_000, decisionSamples: 1_000, slurmReplicas: 10_000, traceJobs: 300, traceMedianRunSeconds: 10, traceMaxRunSeconds: 120, traceMeanGapSeconds: 2 },
} as const satisfies Record<BenchMode, Record<string, number>>;

/** One scenario's outcome: the figures, and lines for the results document. */
export interface ScenarioResult {
  readonly metrics: Record<string, number>;
  readonly details: readonly string[];
}
