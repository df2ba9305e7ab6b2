import type { JobId } from "../domain/ids.js";
import type { Job, Throttle } from "../domain/job.js";
import type { Capacity } from "../domain/resources.js";
import type { Demand } from "./capacity-ledger.js";

/**
 * The order of the queue, in one place. A queued job's rank is the tuple
 *
 *   ( priority desc, owner's fair-share usage asc, aged first, size asc | age asc, submission )
 *
 * 1. priority, configured per user or group, first;
 * 2. then fair share: the user who used less recently goes first;
 * 3. then a job that waited longer than the ageing threshold, oldest first, so a large
 *    job is not passed forever by smaller ones;
 * 4. then smaller requests (their dominant share of the capacity), then age.
 *
 * Within one user the usage term is constant, so each user's jobs are kept sorted by
 * the rest of the tuple, and users are ordered by the key of their best job.
 */
export interface QueueEntry {
  readonly id: JobId;
  readonly owner: string;
  readonly demand: Demand;
  readonly priority: number;
  readonly submitSeq: number;
  readonly createdAtMs: number;
  readonly deadlineSeconds: number;
  readonly dependsOn: readonly JobId[];
  /** At most `max` jobs with this throttle key hold capacity at once; null: no limit. */
  readonly throttle: Throttle | null;
  /** Not to be admitted before this instant (a retry's back-off); 0: now. */
  readonly notBeforeMs: number;
  /** 1-based attempt and how many there may be, for what a waiting retry says. */
  readonly attempt: number;
  readonly attempts: number;
}

/** What a job asks of the engine's capacity: its requests. */
export const demandOf = (job: Job): Demand => ({ cores: job.resources.coresRequest, ramGB: job.resources.ramRequestGB, gpus: job.resources.gpus });

export const toQueueEntry = (job: Job): QueueEntry => ({
  id: job.id,
  owner: job.owner.username,
  demand: demandOf(job),
  priority: job.priority,
  submitSeq: job.submitSeq,
  createdAtMs: job.createdAt.getTime(),
  deadlineSeconds: job.deadlineSeconds,
  dependsOn: job.dependsOn,
  throttle: job.throttle,
  notBeforeMs: job.retryAt?.getTime() ?? 0,
  attempt: job.attempt,
  attempts: job.retries + 1,
});

/** Where a job stands within its owner's queue. */
export interface EntryKey {
  readonly priority: number;
  readonly aged: boolean;
  readonly size: number;
  readonly seq: number;
}

export function compareEntryKeys(a: EntryKey, b: EntryKey): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return compareWithinPriority(a, b);
}

function compareWithinPriority(a: EntryKey, b: EntryKey): number {
  if (a.aged !== b.aged) return a.aged ? -1 : 1;
  if (!a.aged && a.size !== b.size) return a.size - b.size;
  return a.seq - b.seq;
}

/** A user's place among users: the key of their best job, with their usage. */
export interface UserKey {
  readonly head: EntryKey;
  readonly usage: number;
  readonly user: string;
}

export function compareUserKeys(a: UserKey, b: UserKey): number {
  if (a.head.priority !== b.head.priority) return b.head.priority - a.head.priority;
  if (a.usage !== b.usage) return a.usage - b.usage;
  return compareWithinPriority(a.head, b.head) || (a.user < b.user ? -1 : a.user > b.user ? 1 : 0);
}

/** A request's dominant share of the capacity: what "smaller" means when comparing requests. */
export function dominantShare(d: Demand, capacity: Capacity): number {
  const shares = [d.cores / capacity.cores, d.ramGB / capacity.ramGB];
  if (capacity.gpus > 0) shares.push(d.gpus / capacity.gpus);
  return Math.max(...shares);
}

/** Compares two queued jobs of possibly different users in queue order. */
export function compareInQueue(a: EntryKey, aUsage: number, b: EntryKey, bUsage: number): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (aUsage !== bUsage) return aUsage - bUsage;
  return compareWithinPriority(a, b);
}
