import type { JobId } from "../../src/domain/ids.js";
import type { Executor, RunEvent, RunEventListener, RunRef, RunRequest, RunStatus, SubmitResult } from "../../src/executors/executor.js";

/**
 * A FAKE engine, for injecting faults and races a real engine cannot produce on
 * demand: a submit that fails as unavailable while the engine answers, an exit that
 * arrives before the submit returns, a run that vanishes, a delete during a launch.
 * Everything else is tested against real Podman and Slurm.
 */
export interface FaultInjectingExecutor extends Executor {
  /** What the next submits do, in order; when empty, a submit starts the run at once. */
  readonly submits: ((run: RunRequest) => Promise<SubmitResult>)[];
  /** What `statuses` reports per job; a job not in the map is `vanished`. */
  readonly runStatus: Map<JobId, RunStatus>;
  readonly cancelled: JobId[];
  readonly released: JobId[];
  available: boolean;
  /** Pushes an engine event, as the event stream would. */
  emit(event: RunEvent): void;
}

export function createFaultInjectingExecutor(o: { queuesItself?: boolean } = {}): FaultInjectingExecutor {
  let listener: RunEventListener = () => undefined;
  const fake: FaultInjectingExecutor = {
    kind: "local",
    logFormat: "raw",
    queuesItself: o.queuesItself ?? false,
    stopGraceSeconds: 1,
    submits: [],
    runStatus: new Map(),
    cancelled: [],
    released: [],
    available: true,
    emit: (event) => listener(event),
    async start(onEvent) {
      listener = onEvent;
    },
    isAvailable: () => fake.available,
    async submit(run) {
      const next = fake.submits.shift();
      if (next) return next(run);
      const startedAt = new Date();
      fake.runStatus.set(run.jobId, { phase: "running", startedAt });
      return { handle: `run-${run.jobId}`, startedAt };
    },
    async statuses(runs: readonly RunRef[]) {
      return new Map(runs.map((r) => [r.jobId, fake.runStatus.get(r.jobId) ?? { phase: "vanished", reason: "the fake engine has no run for this job" }]));
    },
    async cancel(run) {
      fake.cancelled.push(run.jobId);
    },
    async release(run) {
      fake.released.push(run.jobId);
    },
    usage: async () => undefined,
    async close() {
      listener = () => undefined;
    },
  };
  return fake;
}
