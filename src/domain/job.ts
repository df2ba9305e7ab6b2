import type { JobId } from "./ids.js";

/**
 * The job state machine.
 *
 *   queued ──admit──▶ starting ──container started──▶ running ──exit 0──▶ succeeded
 *     │  ▲               │  │                            │     └─exit≠0 / OOM / deadline──▶ failed
 *     │  └─engine down───┘  └─pull failed / rejected─▶ failed
 *     │                                                  │
 *     └──────────── delete ──▶ terminating ◀── delete ───┘──▶ cancelled
 *
 * `queued → failed` happens when a dependency fails. `starting → succeeded|failed`
 * happens when a container exits before we saw it running (trivial jobs).
 * `running|starting → queued` is a failed attempt of a job with retries left, or a
 * launch the engine refused for now.
 */
export type JobState =
  | "queued"
  | "starting"
  | "running"
  | "terminating"
  | "succeeded"
  | "failed"
  | "cancelled";

export const JOB_STATES: readonly JobState[] = [
  "queued", "starting", "running", "terminating", "succeeded", "failed", "cancelled",
];

/** Allowed transitions. Anything else is a race or a bug, reported as JOB_ILLEGAL_TRANSITION. */
export const NEXT_STATES = {
  queued: ["starting", "terminating", "cancelled", "failed"],
  starting: ["running", "queued", "terminating", "succeeded", "failed"],
  running: ["succeeded", "failed", "terminating", "queued"],
  terminating: ["cancelled"],
  succeeded: [],
  failed: [],
  cancelled: [],
} as const satisfies Record<JobState, readonly JobState[]>;

export const isTerminal = (s: JobState): boolean => NEXT_STATES[s].length === 0;
export const ACTIVE_STATES: readonly JobState[] = JOB_STATES.filter((s) => !isTerminal(s));
/** States whose run holds capacity on the engine. */
export const HOLDS_CAPACITY: readonly JobState[] = ["starting", "running", "terminating"];

export const canTransition = (from: JobState, to: JobState): boolean =>
  (NEXT_STATES[from] as readonly JobState[]).includes(to);

/** What the job asked for. Cores may be fractional; RAM is in GiB as on the platform. */
export interface Resources {
  readonly coresRequest: number;
  readonly coresLimit: number;
  readonly ramRequestGB: number;
  readonly ramLimitGB: number;
  readonly gpus: number;
  /** True when the user gave both `cores` and `ram` (request = limit), as the platform's `isFixedResources`. */
  readonly fixed: boolean;
}

/** The immutable part of a job: what the user asked to run. */
export interface JobSpec {
  readonly name: string;
  readonly image: string;
  readonly type: "headless";
  /** Entrypoint override as argv, or null to keep the image's entrypoint. */
  readonly command: readonly string[] | null;
  /** CMD override as argv, or null to keep the image's CMD. */
  readonly args: readonly string[] | null;
  /** User environment in the order given. Keys are unique (last one wins at parse time). */
  readonly env: readonly (readonly [string, string])[];
  readonly resources: Resources;
  readonly dependsOn: readonly JobId[];
  readonly priority: number;
  /** Labels (`label=key=value`), for filters, bulk actions and throttles. */
  readonly labels: Readonly<Record<string, string>>;
  /** Failed attempts retried at most this many times (0: none). */
  readonly retries: number;
  /** At most `max` of the jobs sharing `key` (a set, or a label group) run at once; null: no throttle. */
  readonly throttle: Throttle | null;
  /** The container's working directory (on /arc), or null for the user's home. */
  readonly workdir: string | null;
  /** Where the run's stdout and stderr are written after it ends (container paths on /arc), or null. */
  readonly stdoutPath: string | null;
  readonly stderrPath: string | null;
  /** Scratch space asked for, in GB (0: not asked). */
  readonly diskGB: number;
  /** Where one HTTP POST goes when the job (or its set) has ended, or null. */
  readonly notifyUrl: string | null;
}

/** A limit on how many jobs of one group run at once (Slurm's `%K`, HTCondor's `max_idle`). */
export interface Throttle {
  /** `set:<set id>` or `label:<key>=<value>` of one owner. */
  readonly key: string;
  readonly max: number;
}

/** Who runs the job: the POSIX identity the container gets. */
export interface Owner {
  readonly username: string;
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly number[];
}

export interface Job extends JobSpec {
  readonly id: JobId;
  readonly owner: Owner;
  readonly state: JobState;
  /** Why the job is in its state: a failure cause, a deletion, a pending reason recorded by the engine. */
  readonly reason: string | null;
  readonly exitCode: number | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  /** Seconds after start when the run is stopped (the platform's activeDeadlineSeconds). */
  readonly deadlineSeconds: number;
  /** The session appears in `GET /session` until this instant. */
  readonly visibleUntil: Date;
  readonly executor: string;
  /** The engine's id for the run (container id, Slurm job id) once submitted. */
  readonly runHandle: string | null;
  readonly arrayId: string | null;
  readonly replicaIndex: number | null;
  readonly replicaCount: number | null;
  /** Registry credentials for a private image, sealed (never in clear); null when not needed. */
  readonly sealedRegistryAuth: string | null;
  /** Monotonic submission order, used to break ties in the queue. */
  readonly submitSeq: number;
  /** 1-based number of the current (or last) attempt. */
  readonly attempt: number;
  /** A retried job waits in the queue until this instant; null otherwise. */
  readonly retryAt: Date | null;
  /** CPU time used by its runs, in core-seconds (from usage samples). */
  readonly cpuSeconds: number;
  /** When the job last changed (state or fields). */
  readonly updatedAt: Date;
  /** Store-wide increasing number of the job's last change: pollers and live views resume from it. */
  readonly updatedSeq: number;
}

/** Instant a running job reaches its deadline, or null if it has not started. */
export const expiryOf = (job: Pick<Job, "startedAt" | "deadlineSeconds">): Date | null =>
  job.startedAt ? new Date(job.startedAt.getTime() + job.deadlineSeconds * 1000) : null;

/** Far-future instant used as `visibleUntil` of jobs that have not finished. */
export const NEVER = new Date(8_640_000_000_000_000);

/** The batch options of a spec that asks for none of them. */
export const NO_BATCH_OPTIONS = {
  labels: Object.freeze({}),
  retries: 0,
  throttle: null,
  workdir: null,
  stdoutPath: null,
  stderrPath: null,
  diskGB: 0,
  notifyUrl: null,
} as const satisfies Partial<JobSpec>;

/** The run-tracking fields of a job not yet run. `updatedAt`/`updatedSeq` are the store's to set on insert. */
export const FIRST_ATTEMPT = { attempt: 1, retryAt: null, cpuSeconds: 0 } as const satisfies Partial<Job>;
