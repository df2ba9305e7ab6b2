import type { JobId } from "../domain/ids.js";
import type { Job, JobState, Throttle } from "../domain/job.js";
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
  readonly attempt?: number;
  readonly retryAt?: Date | null;
  /** Core-seconds of CPU used so far (replaces the stored value). */
  readonly cpuSeconds?: number;
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
  readonly throttle: Throttle | null;
  /** A retry's back-off, or 0. */
  readonly retryAtMs: number;
  readonly attempt: number;
  readonly retries: number;
}

export type { NewJobEvent };

/** What a listing can be sorted by; ties break on the job id. */
export type JobSortField = "created" | "started" | "ended" | "name" | "state" | "owner" | "image" | "cores" | "ram" | "submitted" | "changed";

export interface JobQuery {
  readonly owner?: string;
  /** Only jobs whose `visibleUntil` is after this instant (the listing window); ignored with `changedAfter*`. */
  readonly visibleAt?: Date;
  readonly states?: readonly JobState[];
  readonly type?: string;
  /** The set's id. */
  readonly arrayId?: string;
  /** Every one of these labels, with these values. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly name?: { readonly exact: string } | { readonly prefix: string };
  /** Image names containing this text. */
  readonly image?: string;
  /** Jobs that changed after this instant (finished ones included while retained). */
  readonly changedAfter?: Date;
  /** Jobs whose last change number is above this one. */
  readonly changedAfterSeq?: number;
  /** Jobs whose last change number is at most this one. */
  readonly changedUpToSeq?: number;
  readonly createdFrom?: Date;
  readonly createdTo?: Date;
  /** @defaultValue submission order, oldest first */
  readonly sort?: { readonly field: JobSortField; readonly descending: boolean };
  /** Continue after the page that ended with this cursor. */
  readonly cursor?: string;
  readonly limit?: number;
}

/** One page of a listing. */
export interface JobPage {
  readonly jobs: Job[];
  /** How many match, paging aside. */
  readonly total: number;
  /** Where the next page starts; null on the last. */
  readonly nextCursor: string | null;
}

/** An attempt that ended and was followed by another. */
export interface AttemptRecord {
  readonly attempt: number;
  readonly startedAt: Date | null;
  readonly finishedAt: Date;
  readonly exitCode: number | null;
  readonly reason: string | null;
}

/** One reading of a running job's CPU and memory. */
export interface UsageSample {
  readonly at: Date;
  readonly cpuCores: number;
  readonly ramBytes: number;
}

/** Jobs. Every state change is a compare-and-set on the current state. */
export interface JobStore {
  /** Inserts all jobs in one transaction, all or none; returns them as stored (with their change numbers). */
  insertMany(jobs: readonly Job[]): Promise<Job[]>;
  get(id: JobId): Promise<Job | undefined>;
  getMany(ids: readonly JobId[]): Promise<Job[]>;
  /** In the query's order (default: submission order). */
  list(query: JobQuery): Promise<Job[]>;
  /** One page of `list`, with the total and the next page's cursor; needs `limit`. */
  page(query: JobQuery & { readonly limit: number }): Promise<JobPage>;
  /** The number of the latest change to any job (0 when none): pollers start from it. */
  lastChangeSeq(): Promise<number>;
  /**
   * The highest change number at or below which every change has committed: a live view
   * reads up to it only, as numbers are taken before their writes commit (see ChangeSequence).
   */
  settledChangeSeq(): Promise<number>;
  /** Calls `listener` after each change has committed (or failed); returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** Adds a usage reading of a running job and sets its CPU time so far; not a change of the job (no change number). */
  recordUsage(jobId: JobId, sample: UsageSample, cpuSeconds: number): Promise<void>;
  /** Records an attempt that ended before the job was retried. */
  recordAttempt(jobId: JobId, attempt: AttemptRecord): Promise<void>;
  /** The ended attempts of a job, oldest first (the current attempt is the job itself). */
  listAttempts(jobId: JobId): Promise<AttemptRecord[]>;
  /** Adds usage readings of running jobs. */
  addUsageSamples(samples: readonly (UsageSample & { readonly jobId: JobId })[]): Promise<void>;
  /** A job's usage readings, oldest first. */
  listUsageSamples(jobId: JobId): Promise<UsageSample[]>;
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
  /** Deletes finished jobs (and their events, labels, attempts, samples) that finished before `before`; returns their ids and attempt counts. */
  purgeFinishedBefore(before: Date, limit: number): Promise<{ id: JobId; attempts: number }[]>;
  /** The largest submission sequence number used so far (0 when empty). */
  maxSubmitSeq(): Promise<number>;
  countByState(): Promise<Partial<Record<JobState, number>>>;
  /** Jobs not in a terminal state, counted by owner and state, with the cores they ask for. */
  activeByOwner(): Promise<{ readonly owner: string; readonly state: JobState; readonly jobs: number; readonly cores: number }[]>;
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

/** Who holds a number: a user as their uid (and private gid), or a group as its gid. */
export interface IdClaim {
  readonly id: number;
  readonly kind: "user" | "group";
  readonly name: string;
}

/** A number held by a user and a group at once: left from before ids were one space. */
export interface IdCollision {
  readonly id: number;
  readonly user: string;
  readonly group: string;
  /** The group's members, whose jobs carry the number as a supplementary gid. */
  readonly members: readonly string[];
}

/**
 * Users and groups. Uids and gids are one id space: a number is one user's uid (which
 * is also their private group's gid) or one group's gid, never both, and never two
 * users' uids.
 */
export interface UserStore {
  /**
   * @throws AppError CONFLICT when the name or DN is taken, the uid is another user's
   *   uid or any group's gid, or a new group's gid is taken by a group or a user; a
   *   number a removed principal held is taken too, except by the same name again.
   */
  add(user: NewUser): Promise<User>;
  get(name: string): Promise<User | undefined>;
  getByDn(dn: string): Promise<User | undefined>;
  list(): Promise<User[]>;
  /** Removes a user and their tokens; their uid stays retired. */
  remove(name: string): Promise<boolean>;
  /**
   * A free uid for a new user: above every uid given so far, at or above `floor`, and
   * skipping every number a group holds or a removed user or group held (whoever got it
   * would own their files on /arc), and the `reserved` numbers (gids of groups about to be made).
   */
  nextUid(floor: number, reserved?: readonly number[]): Promise<number>;
  /** Adds the user to groups (creating them as given). @throws AppError CONFLICT when a gid is taken. */
  addGroups(name: string, groups: readonly PosixGroup[]): Promise<User | undefined>;
  /** Removes a group and its memberships (its gid stays retired); false when there is no such group. */
  removeGroup(name: string): Promise<boolean>;
  /** Every user and group holding one of these numbers. */
  idClaims(ids: readonly number[]): Promise<IdClaim[]>;
  /** Numbers held by a user and a group at once, lowest first; empty on a sound directory. */
  idCollisions(): Promise<IdCollision[]>;
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
/** A GA4GH TES task as kept: the validated document, and its sessions in executor order. */
export interface TesTaskRecord {
  readonly id: string;
  readonly owner: string;
  readonly name: string;
  readonly createdAt: Date;
  /** The task document as accepted (JSON text of a tesTask without server fields). */
  readonly document: string;
  readonly jobIds: readonly JobId[];
}

export interface TesTaskQuery {
  readonly owner: string;
  readonly namePrefix?: string;
  /** Continue after this task (newest first: older than it). */
  readonly after?: { readonly createdAt: Date; readonly id: string };
  readonly limit: number;
}

/** TES tasks, one owner's at a time. */
export interface TesTaskStore {
  insert(task: TesTaskRecord): Promise<void>;
  get(id: string): Promise<TesTaskRecord | undefined>;
  /** The owner's tasks, newest first. */
  list(query: TesTaskQuery): Promise<TesTaskRecord[]>;
}

export interface Store {
  readonly dialect: "sqlite" | "postgres";
  readonly jobs: JobStore;
  readonly events: EventStore;
  readonly users: UserStore;
  readonly tokens: TokenStore;
  readonly usage: UsageStore;
  readonly tesTasks: TesTaskStore;
  close(): Promise<void>;
}
