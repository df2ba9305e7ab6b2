import type { JobId } from "../domain/ids.js";
import type { Job, JobState } from "../domain/job.js";
import type { JobEvent, NewJobEvent } from "../domain/job-event.js";

/** Fields of a job that change over its life. `undefined` leaves a field as it is. */
export interface JobPatch {
  readonly reason?: string | null;
  readonly exitCode?: number | null;
  readonly startedAt?: Date | null;
  readonly finishedAt?: Date | null;
  readonly runHandle?: string | null;
  readonly visibleUntil?: Date;
  readonly deadlineSeconds?: number;
  readonly coreSeconds?: number;
  readonly sealedRegistryAuth?: string | null;
}

/** What the scheduler needs of a queued job. */
export interface QueuedSummary {
  readonly id: JobId;
  readonly owner: string;
  readonly coresRequest: number;
  readonly ramRequestGB: number;
  readonly gpus: number;
  readonly priority: number;
  readonly submitSeq: number;
  readonly createdAtMs: number;
  readonly deadlineSeconds: number;
  readonly dependsOn: readonly JobId[];
}

export type { NewJobEvent };

export interface JobQuery {
  readonly owner?: string;
  /** Only jobs whose `visibleUntil` is after this instant (the listing window). */
  readonly visibleAt?: Date;
  readonly states?: readonly JobState[];
  readonly type?: string;
  readonly arrayId?: string;
  readonly limit?: number;
}

/** Jobs. Every state change is a compare-and-set on the current state. */
export interface JobStore {
  /** Inserts all jobs in one transaction: all or none. */
  insertMany(jobs: readonly Job[]): Promise<void>;
  get(id: JobId): Promise<Job | undefined>;
  getMany(ids: readonly JobId[]): Promise<Job[]>;
  /** Newest first. */
  list(query: JobQuery): Promise<Job[]>;
  /** Jobs not in a terminal state, in submission order. */
  listActive(): Promise<Job[]>;
  /** Jobs holding engine capacity (starting, running, terminating). Few: bounded by the capacity. */
  listLive(): Promise<Job[]>;
  /**
   * Queued jobs after submission number `afterSeq`, in submission order, as the compact
   * summaries the scheduler keeps: a restart with 100,000 queued jobs reads them page
   * by page instead of building every full job at once.
   */
  listQueuedSummaries(afterSeq: number, limit: number): Promise<QueuedSummary[]>;
  /**
   * Moves a job from one of `from` to `to`, applying `patch` and appending `event`
   * atomically. Returns the updated job, or undefined when the job was not in `from`
   * (someone else won the race).
   * @throws AppError JOB_ILLEGAL_TRANSITION when the state machine (domain/job.ts) does not allow
   *   moving from one of `from` to `to`; nothing is changed.
   */
  transition(id: JobId, from: readonly JobState[], to: JobState, patch?: JobPatch, event?: NewJobEvent): Promise<Job | undefined>;
  /** Changes non-state fields; returns the updated job or undefined if it does not exist. */
  update(id: JobId, patch: JobPatch, event?: NewJobEvent): Promise<Job | undefined>;
  /** Deletes finished jobs (and their events) that finished before `before`; returns their ids. */
  purgeFinishedBefore(before: Date, limit: number): Promise<JobId[]>;
  /** The largest submission sequence number used so far (0 when empty). */
  maxSubmitSeq(): Promise<number>;
  countByState(): Promise<Partial<Record<JobState, number>>>;
}

export interface EventStore {
  append(jobId: JobId, event: NewJobEvent): Promise<void>;
  list(jobId: JobId): Promise<JobEvent[]>;
}

export interface PosixGroup {
  readonly name: string;
  readonly gid: number;
}

export interface User {
  readonly name: string;
  readonly uid: number;
  readonly dn: string | null;
  /** The user's own scheduling priority. */
  readonly priority: number;
  /** What their jobs get: the highest of their own priority and their groups'. */
  readonly effectivePriority: number;
  readonly groups: readonly PosixGroup[];
  readonly createdAt: Date;
}

export interface NewUser {
  readonly name: string;
  readonly uid: number;
  readonly dn?: string | null;
  readonly groups: readonly PosixGroup[];
}

export interface UserStore {
  /** @throws AppError CONFLICT when the name, uid, DN or a group's gid is taken. */
  add(user: NewUser): Promise<User>;
  get(name: string): Promise<User | undefined>;
  getByDn(dn: string): Promise<User | undefined>;
  list(): Promise<User[]>;
  remove(name: string): Promise<boolean>;
  /** The next free uid at or above `floor`. */
  nextUid(floor: number): Promise<number>;
  /** Adds the user to groups (creating them as given). @throws AppError CONFLICT on a gid clash. */
  addGroups(name: string, groups: readonly PosixGroup[]): Promise<User | undefined>;
  setPriority(kind: "user" | "group", name: string, priority: number): Promise<boolean>;
  listGroups(): Promise<(PosixGroup & { readonly priority: number })[]>;
}

export interface TokenInfo {
  readonly id: string;
  readonly userName: string;
  readonly label: string | null;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

export interface TokenStore {
  create(id: string, userName: string, tokenHash: string, label: string | null): Promise<TokenInfo>;
  /** The user owning an unrevoked token with this hash. */
  findUserByHash(tokenHash: string): Promise<string | undefined>;
  /** Revokes by token id; returns false when there is no such unrevoked token. */
  revoke(id: string): Promise<boolean>;
  list(userName?: string): Promise<TokenInfo[]>;
}

/** A user's decayed fair-share usage as of an instant. */
export interface UsageRecord {
  readonly user: string;
  readonly coreSeconds: number;
  readonly asOf: Date;
}

export interface UsageStore {
  load(): Promise<UsageRecord[]>;
  /** Upserts each user's record. */
  save(records: readonly UsageRecord[]): Promise<void>;
}

/** The database: one driver behind a few small interfaces. */
export interface Store {
  readonly dialect: "sqlite" | "postgres";
  readonly jobs: JobStore;
  readonly events: EventStore;
  readonly users: UserStore;
  readonly tokens: TokenStore;
  readonly usage: UsageStore;
  close(): Promise<void>;
}
