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
