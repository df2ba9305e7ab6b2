import { AppError } from "../domain/errors.js";
import type { Job } from "../domain/job.js";
import type { Principal } from "../identity/principal.js";
import type { JobServiceDeps } from "./job-service-deps.js";

/** Whose changes a live view follows: one user's, or (administrators) everyone's. */
export interface ChangeScope {
  readonly owner?: string;
}

/** A resume further back than this many changes is answered with a reset: reloading is cheaper than replaying. */
export const MAX_REPLAY = 1000;

/** Changes read from the store at once. */
const BATCH = 200;

/**
 * The caller's own sessions; everyone's for an administrator asking `all`. Anyone else
 * asking `all` is refused rather than quietly narrowed, so a client never believes it
 * sees everything when it does not.
 */
export function changeScope(principal: Principal, all: boolean): ChangeScope {
  if (!all) return { owner: principal.user.name };
  if (!principal.isAdmin) throw new AppError("FORBIDDEN", "all=true (every user's sessions) is for administrators only; leave it out to follow your own.");
  return {};
}

/** Where a live view starts: after the client's last change, or, when that cannot be replayed, now with a reset. */
export interface ResumePoint {
  readonly cursor: number;
  /** The client must reload what it shows: its last change is unknown here or too far back. */
  readonly reset: boolean;
}

/**
 * Resolves a `Last-Event-ID`. A number this store never gave (a newer one, from another
 * database, or not a number) and one more than {@link MAX_REPLAY} changes back both mean
 * a reset: the client reloads and follows from now.
 */
export async function resumePoint(deps: Pick<JobServiceDeps, "store">, scope: ChangeScope, lastEventId: string | undefined): Promise<ResumePoint> {
  const settled = await deps.store.jobs.settledChangeSeq();
  if (lastEventId === undefined) return { cursor: settled, reset: false };
  const text = lastEventId.trim();
  const id = /^\d{1,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id) || id > (await deps.store.jobs.lastChangeSeq())) return { cursor: settled, reset: true };
  if (settled - id <= MAX_REPLAY) return { cursor: id, reset: false };
  const { total } = await deps.store.jobs.page({ ...scope, changedAfterSeq: id, changedUpToSeq: settled, limit: 1 });
  return total > MAX_REPLAY ? { cursor: settled, reset: true } : { cursor: id, reset: false };
}

/**
 * The sessions in `scope` changed after `cursor`, in change order, each once in its latest
 * version, up to the last change known to have committed; and the cursor to continue from.
 * A session changed twice since is sent once, with the later number: the client ends up
 * with the same state as if it had seen both.
 */
export async function changesAfter(deps: Pick<JobServiceDeps, "store">, scope: ChangeScope, cursor: number): Promise<{ jobs: Job[]; cursor: number; more: boolean }> {
  const settled = await deps.store.jobs.settledChangeSeq();
  if (settled <= cursor) return { jobs: [], cursor, more: false };
  const jobs = await deps.store.jobs.list({ ...scope, changedAfterSeq: cursor, changedUpToSeq: settled, sort: { field: "changed", descending: false }, limit: BATCH });
  const more = jobs.length === BATCH;
  return { jobs, cursor: more ? jobs.at(-1)!.updatedSeq : settled, more };
}
