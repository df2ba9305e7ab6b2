import { AppError, invalid } from "../domain/errors.js";
import { SESSION_TYPES } from "../domain/create-request.js";
import type { Job, JobState } from "../domain/job.js";
import type { Principal } from "../identity/principal.js";
import type { JobServiceDeps } from "./job-service-deps.js";

export interface ListInput {
  readonly type?: string | undefined;
  /** The job states a status filter selects (the API edge maps the platform's words). */
  readonly states?: readonly JobState[] | undefined;
  /** `all` (every user's, public shape) or `interactive`; anything else is the caller's listing, as on the platform. */
  readonly view?: "all" | "interactive" | undefined;
}

/**
 * `GET /session`: the caller's sessions that are live or finished within the listing
 * window, oldest first; with `view=all`, every user's (shown in the public shape), to
 * everyone as on the platform unless the operator keeps it for administrators. Unknown
 * filter values are a 400, not silently ignored.
 */
export async function listSessions(deps: Pick<JobServiceDeps, "store" | "clock" | "sessions">, principal: Principal, input: ListInput): Promise<Job[]> {
  const type = input.type?.trim().toLowerCase();
  if (type !== undefined && !(SESSION_TYPES as readonly string[]).includes(type)) {
    throw invalid(`Invalid value for 'type': ${input.type}. Allowed: ${SESSION_TYPES.join(", ")}.`, { parameter: "type" });
  }
  const states = input.states;
  if (input.view === "interactive" || (type !== undefined && type !== "headless")) return []; // skyrun runs headless sessions only
  if (input.view === "all" && deps.sessions.viewAll === "admins" && !principal.isAdmin) {
    throw new AppError("FORBIDDEN", "view=all (every user's sessions) is for administrators only on this server; leave out view to list your own.");
  }
  return deps.store.jobs.list({
    ...(input.view === "all" ? {} : { owner: principal.user.name }),
    visibleAt: deps.clock.now(),
    ...(states ? { states } : {}),
  });
}
