import type { TesTask } from "../../contracts/tes-task.js";
import { isAppError } from "../../domain/errors.js";
import { newJobId, type JobId } from "../../domain/ids.js";
import type { Job } from "../../domain/job.js";
import type { Principal } from "../../identity/principal.js";
import { parseTesTask } from "../../tes/parse-tes-task.js";
import { executorSessionParams, taskFieldOf } from "../../tes/session-params.js";
import { createSessions } from "../create-sessions.js";
import type { JobServiceDeps } from "../job-service-deps.js";
import type { TesSettings } from "./tes-settings.js";

/** A session parameter's error, pointed at the task field it came from. */
function asTaskError(e: unknown, index: number): unknown {
  if (!isAppError(e) || typeof e.details.parameter !== "string") return e;
  const field = taskFieldOf(e.details.parameter, index);
  if (field === e.details.parameter) return e;
  e.message = `${field}: ${e.message}`;
  return e;
}

/**
 * `POST /tasks`: a task becomes one session per executor, each depending on the one
 * before, so the queue, fair share, limits, accounting and engines treat them as any
 * session (and `GET /session` shows them, labelled with the task). They are created in
 * order; when a later one is refused, those already queued are cancelled, so a task
 * is created whole or not at all.
 */
export async function createTesTask(deps: JobServiceDeps, settings: TesSettings, principal: Principal, body: unknown): Promise<{ id: string; task: TesTask }> {
  const task = parseTesTask(body, { allowedInputUrlPrefixes: settings.allowedInputUrls });
  const id = newJobId();
  const builders = executorSessionParams(task, id, deps.context);
  const created: Job[] = [];
  let previous: JobId | null = null;
  try {
    for (const [i, build] of builders.entries()) {
      const params = build(previous);
      const jobs: Job[] = await createSessions(deps, principal, { items: [params] }).catch((e: unknown) => { throw asTaskError(e, i); });
      created.push(jobs[0]!);
      previous = jobs[0]!.id;
    }
    await deps.store.tesTasks.insert({ id, owner: principal.user.name, name: task.name ?? "", createdAt: deps.clock.now(), document: JSON.stringify(task), jobIds: created.map((j) => j.id) });
  } catch (e) {
    for (const job of created.reverse()) await deps.scheduling.cancel(job);
    throw e;
  }
  return { id, task };
}
