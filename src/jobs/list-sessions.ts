import { AppError, invalid } from "../domain/errors.js";
import { SESSION_TYPES } from "../domain/create-request.js";
import type { Job, JobState } from "../domain/job.js";
import type { Principal } from "../identity/principal.js";
import type { JobPage, JobQuery, JobSortField } from "../store/store.js";
import type { JobServiceDeps } from "./job-service-deps.js";

export type { JobSortField };

/** Which sessions a listing or a bulk action takes, besides state and type. */
export interface SessionSelector {
  readonly labels?: Readonly<Record<string, string>>;
  readonly name?: { readonly exact: string } | { readonly prefix: string };
  readonly setId?: string;
  readonly image?: string;
  /** Administrators: another user's (or, with `view=all`, one user's among all). */
  readonly user?: string;
  /** Only sessions that changed after this instant, finished ones included while retained. */
  readonly changedSince?: Date;
  readonly createdFrom?: Date;
  readonly createdTo?: Date;
}

export interface ListInput extends SessionSelector {
  readonly type?: string | undefined;
  /** The job states a status filter selects (the API edge maps the platform's words). */
  readonly states?: readonly JobState[] | undefined;
  /** `all` (every user's) or `interactive`; anything else is the caller's listing, as on the platform. */
  readonly view?: "all" | "interactive" | undefined;
  readonly sort?: { readonly field: JobSortField; readonly descending: boolean };
  /** With `limit`, one page (see `page`); without, the whole listing. */
  readonly limit?: number;
  readonly cursor?: string;
}

/** Whose sessions the caller may list: their own; every user's with `view=all` (unless kept for administrators). */
function ownerFilter(deps: Pick<JobServiceDeps, "sessions">, principal: Principal, input: ListInput): { owner?: string } {
  if (input.view === "all") {
    if (deps.sessions.viewAll === "admins" && !principal.isAdmin) {
      throw new AppError("FORBIDDEN", "view=all (every user's sessions) is for administrators only on this server; leave out view to list your own.");
    }
    return input.user !== undefined ? { owner: input.user } : {};
  }
  if (input.user !== undefined && input.user !== principal.user.name && !principal.isAdmin) {
    throw new AppError("FORBIDDEN", "Only administrators may list another user's sessions; leave out 'user' to list your own.");
  }
  return { owner: input.user ?? principal.user.name };
}

/** The store query for a listing or a bulk action. */
export function toJobQuery(deps: Pick<JobServiceDeps, "clock" | "sessions">, principal: Principal, input: ListInput): JobQuery {
  return {
    ...ownerFilter(deps, principal, input),
    visibleAt: deps.clock.now(),
    ...(input.states ? { states: input.states } : {}),
    ...(input.labels ? { labels: input.labels } : {}),
    ...(input.name ? { name: input.name } : {}),
    ...(input.setId ? { arrayId: input.setId } : {}),
    ...(input.image ? { image: input.image } : {}),
    ...(input.changedSince ? { changedAfter: input.changedSince } : {}),
    ...(input.createdFrom ? { createdFrom: input.createdFrom } : {}),
    ...(input.createdTo ? { createdTo: input.createdTo } : {}),
    ...(input.sort ? { sort: input.sort } : {}),
    ...(input.cursor !== undefined ? { cursor: input.cursor } : {}),
  };
}

/**
 * `GET /session`: the caller's sessions that are live or finished within the listing
 * window (or changed since an instant), oldest first unless sorted; with `view=all`,
 * every user's. Unknown filter values are a 400, not silently ignored. With `limit`,
 * one page and the total.
 */
export async function listSessions(deps: Pick<JobServiceDeps, "store" | "clock" | "sessions">, principal: Principal, input: ListInput): Promise<JobPage> {
  const type = input.type?.trim().toLowerCase();
  if (type !== undefined && !(SESSION_TYPES as readonly string[]).includes(type)) {
    throw invalid(`Invalid value for 'type': ${input.type}. Allowed: ${SESSION_TYPES.join(", ")}.`, { parameter: "type" });
  }
  const query = toJobQuery(deps, principal, input);
  // skyrun runs headless sessions only.
  if (input.view === "interactive" || (type !== undefined && type !== "headless")) return { jobs: [], total: 0, nextCursor: null };
  if (input.limit !== undefined) return deps.store.jobs.page({ ...query, limit: input.limit });
  const jobs: Job[] = await deps.store.jobs.list(query);
  return { jobs, total: jobs.length, nextCursor: null };
}
