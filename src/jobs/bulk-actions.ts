import { invalid, isAppError, toError } from "../domain/errors.js";
import type { Job } from "../domain/job.js";
import type { Principal } from "../identity/principal.js";
import { deleteSession } from "./delete-session.js";
import type { JobServiceDeps } from "./job-service-deps.js";
import { toJobQuery, type SessionSelector } from "./list-sessions.js";
import { renewSession } from "./renew-session.js";

export type BulkAction = "delete" | "renew";

/** What happened to one session of a bulk action. */
export interface BulkOutcome {
  readonly id: string;
  /** `deleted`, `terminating`, `renewed`, `unchanged`, or `refused` with the reason. */
  readonly outcome: "deleted" | "terminating" | "renewed" | "unchanged" | "refused";
  /** The status the same action on this one session would have answered. */
  readonly status: number;
  readonly message?: string;
}

/** Sessions one bulk action takes at most; more must be narrowed (or repeated). */
export const MAX_BULK = 10_000;

const hasSelector = (s: SessionSelector): boolean => s.labels !== undefined || s.name !== undefined || s.setId !== undefined;

async function applyOne(deps: JobServiceDeps, principal: Principal, action: BulkAction, job: Job): Promise<BulkOutcome> {
  try {
    if (action === "delete") {
      const after = await deleteSession(deps, principal, job.id);
      return { id: job.id, outcome: after.state === "terminating" ? "terminating" : "deleted", status: 200 };
    }
    const renewed = await renewSession(deps, principal, job.id);
    return { id: job.id, outcome: renewed.deadlineSeconds !== job.deadlineSeconds ? "renewed" : "unchanged", status: 200 };
  } catch (e) {
    if (!isAppError(e)) throw e;
    return { id: job.id, outcome: "refused", status: e.code === "JOB_NOT_FOUND" ? 404 : 400, message: toError(e).message };
  }
}

/**
 * `DELETE /session?label=…|name=prefix*|set=…` and `POST /session?action=renew&…`: the
 * action on every matching session of the caller (an administrator's `user=` names
 * someone else's), answered per session. A selector is required: a bare
 * `DELETE /session` stays a 400, as on the platform.
 */
export async function bulkAction(deps: JobServiceDeps, principal: Principal, action: BulkAction, selector: SessionSelector): Promise<BulkOutcome[]> {
  if (!hasSelector(selector)) {
    throw invalid(action === "delete"
      ? "Cannot kill all sessions: DELETE /session/{id} one at a time, or select sessions with label=key=value, name=prefix* or set=<id>."
      : "Say which sessions to renew: label=key=value, name=prefix* or set=<id>.", { parameter: "label" });
  }
  const query = toJobQuery(deps, principal, { ...selector, ...(action === "renew" ? { states: ["running"] } : {}) });
  const jobs = await deps.store.jobs.list({ ...query, limit: MAX_BULK + 1 });
  if (jobs.length > MAX_BULK) throw invalid(`The selection matches more than ${MAX_BULK} sessions; narrow it (label, name, set) and repeat.`, { parameter: "label" });
  const outcomes: BulkOutcome[] = [];
  for (const job of jobs) outcomes.push(await applyOne(deps, principal, action, job));
  return outcomes;
}
