/**
 * A session as the skaha API returns it (`GET /session`, `GET /session/{id}`), shared by
 * the server, the SDK and the CLI. "Session" is the platform's wire word for a job.
 *
 * The platform's fields come first, in its order; resource values are strings such as
 * `"4.29"` (decimal GB) or `"1.500"` (cores). Fields after `isFixedResources` are
 * skyrun's additive extensions: absent on the real platform.
 */
export interface SessionJson {
  readonly id: string;
  readonly userid: string;
  readonly runAsUID?: string;
  readonly runAsGID?: string;
  readonly supplementalGroups?: readonly number[];
  /** Desktop-app sessions only. */
  readonly appid?: string;
  readonly image?: string;
  /** `headless`, `notebook`, … (the platform's `type`; the Python client calls it kind). */
  readonly type: string;
  readonly status: SessionStatus;
  readonly name?: string;
  /** ISO 8601; absent until the session started. */
  readonly startTime?: string;
  readonly expiryTime?: string;
  readonly connectURL?: string;
  readonly requestedRAM?: string;
  readonly requestedCPUCores?: string;
  readonly requestedGPUCores?: string;
  readonly ramInUse?: string;
  readonly gpuRAMInUse?: string;
  readonly cpuCoresInUse?: string;
  readonly gpuUtilization?: string;
  readonly isFixedResources?: boolean;
  /** skyrun: the same word as `status`. */
  readonly phase?: SessionStatus;
  /** skyrun: the container's exit status once it ended. */
  readonly exitCode?: number;
  /** skyrun: ISO 8601 instant the session ended. */
  readonly endTime?: string;
  /** skyrun: ISO 8601 instant the session was submitted. */
  readonly createdTime?: string;
  /** skyrun: why the session is in its status (a pending reason, a failure cause). */
  readonly statusMessage?: string;
  /** skyrun: 1-based replica number when created with `replicas > 1`. */
  readonly replicaId?: number;
  readonly replicaCount?: number;
  /** skyrun: sessions that must succeed before this one starts. */
  readonly dependsOn?: readonly string[];
  /** skyrun: labels given at create (`label=key=value`). */
  readonly labels?: Readonly<Record<string, string>>;
  /** skyrun: the id shared by the sessions created in one request. */
  readonly setId?: string;
  /** skyrun: 1-based number of the current (or last) attempt, when it may be retried or was. */
  readonly attempt?: number;
  /** skyrun: how many times a failed attempt is retried. */
  readonly retries?: number;
  /** skyrun: the ended attempts and the current one (`GET /session/{id}` only, when there was more than one). */
  readonly attempts?: readonly AttemptJson[];
  /** skyrun: at most this many of its set (or label group, `maxRunningLabel`) run at once. */
  readonly maxRunning?: number;
  readonly maxRunningLabel?: string;
  /** skyrun: seconds it may run after it starts (its deadline). */
  readonly walltime?: number;
  readonly workdir?: string;
  /** skyrun: where its stdout and stderr are written when it ends. */
  readonly stdout?: string;
  readonly stderr?: string;
  /** skyrun: scratch space asked for, in GB. */
  readonly disk?: number;
  /** skyrun: the URL told when it (or its set) ends. */
  readonly notify?: string;
  /** skyrun: why it waits, in numbers (the words are in `statusMessage`). */
  readonly waiting?: WaitingJson;
  /** skyrun: ISO 8601 instant of its last change (what `changedSince` compares). */
  readonly updatedTime?: string;
  /** skyrun: ISO 8601 instant its current status began. */
  readonly stateSince?: string;
  /** skyrun: what it was created with, as stored (environment variable names only, never their values). */
  readonly request?: SessionRequestJson;
}

/** The create parameters of a session as stored (skyrun). Registry credentials and environment values are never shown. */
export interface SessionRequestJson {
  readonly image: string;
  readonly name: string;
  /** Entrypoint override as argv (`cmd`), when given. */
  readonly cmd?: readonly string[];
  /** Arguments as argv (`args`), when given. */
  readonly args?: readonly string[];
  /** Names of the environment variables given (`env`), in order; their values may be secrets and are never sent. */
  readonly env: readonly string[];
  readonly cores: number;
  readonly coresLimit: number;
  /** GiB. */
  readonly ram: number;
  readonly ramLimit: number;
  readonly gpus: number;
  /** True when both cores and ram were given. */
  readonly fixedResources: boolean;
  readonly replicas: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly retries: number;
  readonly dependsOn: readonly string[];
  readonly priority: number;
  /** Seconds it may run after it starts. */
  readonly walltime: number;
  readonly workdir?: string;
  readonly stdout?: string;
  readonly stderr?: string;
  /** GB of scratch. */
  readonly disk: number;
  readonly notify?: string;
  readonly maxRunning?: number;
  /** True when the image needed registry credentials (which are never shown). */
  readonly registryAuth: boolean;
}

/** What a bulk action (`DELETE /session?label=…`, `POST /session?action=renew&…`) did to one session (skyrun). */
export interface BulkOutcomeJson {
  readonly id: string;
  /** `deleted`, `terminating`, `renewed`, `unchanged`, or `refused` (see `message`). */
  readonly outcome: string;
  /** The status the same action on that one session would have answered. */
  readonly status: number;
  readonly message?: string;
}

/** One attempt of a retried session. */
export interface AttemptJson {
  readonly attempt: number;
  readonly status: SessionStatus;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly exitCode?: number;
  readonly statusMessage?: string;
}

/** Why a session waits, as the scheduling pass decided (skyrun). */
export interface WaitingJson {
  /** `capacity`, `reserved`, `user-limit`, `dependencies`, `engine-unavailable`, `engine-queue`, `not-examined`, `throttle`, `retry-backoff`. */
  readonly kind: string;
  /** 1-based place in the queue, when counted. */
  readonly position?: number;
  readonly positionLimit?: number;
  /** Cores, RAM in GiB and GPUs it asks for, are free, and are offered (capacity, reserved). */
  readonly need?: { readonly cores: number; readonly ramGB: number; readonly gpus: number };
  readonly free?: { readonly cores: number; readonly ramGB: number; readonly gpus: number };
  readonly total?: { readonly cores: number; readonly ramGB: number; readonly gpus: number };
  /** The session the head-of-queue reservation is for (reserved). */
  readonly reservedFor?: string;
  /** `running-jobs` or `running-cores` (user-limit); `set` or `label` (throttle). */
  readonly limit?: string;
  readonly inUse?: number;
  readonly max?: number;
  /** Sessions that must succeed first (dependencies). */
  readonly waitingOn?: readonly string[];
  /** The engine's words (engine-queue). */
  readonly detail?: string;
  /** When the next attempt may start (retry-backoff). */
  readonly until?: string;
  readonly attempt?: number;
}

/** `POST /session` on skyrun with its JSON opt-in (`Accept: application/vnd.skyrun+json` or `format=json`): the new session plus its id. */
export interface CreatedSessionJson extends SessionJson {
  readonly sessionId: string;
}

/** One element of `GET /session?view=all`: other users' sessions, limited fields. */
export interface PublicSessionJson {
  readonly userid: string;
  readonly type: string;
  readonly status: SessionStatus;
  readonly startTime?: string;
}

/**
 * Status words seen on the wire. v0 says `Succeeded` and v1 `Completed` for a job that
 * exited 0; the platform's v0 also reports `Unknown`, and older clients filter on `Error`.
 * Any other string is kept as is (a newer server may add words).
 */
export type SessionStatus =
  | "Pending" | "Running" | "Terminating" | "Succeeded" | "Completed" | "Failed" | "Error" | "Unknown"
  | (string & Record<never, never>);

/** Statuses after which a session never changes again. */
export const DONE_STATUSES: readonly string[] = ["Succeeded", "Completed", "Failed", "Error"];
/** Statuses that mean the session ended without success. */
export const FAILED_STATUSES: readonly string[] = ["Failed", "Error"];

/** True when the session ended (succeeded or failed); case-insensitive. */
export const isDoneStatus = (status: string): boolean => DONE_STATUSES.some((s) => s.toLowerCase() === status.toLowerCase());
/** True when the session ended without success; case-insensitive. */
export const isFailedStatus = (status: string): boolean => FAILED_STATUSES.some((s) => s.toLowerCase() === status.toLowerCase());
/** True once the session has started or ended: Running, Terminating or done. */
export const hasStartedStatus = (status: string): boolean => /^(running|terminating)$/i.test(status) || isDoneStatus(status);
