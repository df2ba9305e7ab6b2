import type { TesState, TesView } from "../../contracts/tes-task.js";
import { invalid } from "../../domain/errors.js";
import type { Principal } from "../../identity/principal.js";
import { taskState } from "../../tes/task-state.js";
import type { JobServiceDeps } from "../job-service-deps.js";
import { snapshotTasks, type TaskSnapshot } from "./tes-task-runs.js";

export interface TesListQuery {
  readonly namePrefix?: string | undefined;
  readonly state?: TesState | undefined;
  /** Tag filters: every key must be there; a non-empty value must match exactly. */
  readonly tags: Readonly<Record<string, string>>;
  readonly pageSize: number;
  readonly pageToken?: string | undefined;
  readonly view: TesView;
}

/** Rows read from the store at once while filtering by state and tags. */
const BATCH = 500;

function decodeToken(token: string): { createdAt: Date; id: string } {
  try {
    const [ms, id] = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as [number, string];
    if (typeof ms === "number" && typeof id === "string") return { createdAt: new Date(ms), id };
  } catch { /* reported below */ }
  throw invalid(`Invalid value for 'page_token': ${JSON.stringify(token)}. Give the next_page_token of the previous page.`, { parameter: "page_token" });
}

const encodeToken = (s: TaskSnapshot): string => Buffer.from(JSON.stringify([s.record.createdAt.getTime(), s.record.id])).toString("base64url");

const matchesTags = (tags: Readonly<Record<string, string>>, filter: Readonly<Record<string, string>>): boolean =>
  Object.entries(filter).every(([k, v]) => k in tags && (v === "" || tags[k] === v));

/**
 * `GET /tasks`: the caller's tasks, newest first, a page at a time. The name prefix is
 * the store's filter; state and tags are checked here, on the task as it is now.
 */
export async function listTesTasks(deps: JobServiceDeps, principal: Principal, q: TesListQuery): Promise<{ tasks: TaskSnapshot[]; nextPageToken: string | undefined }> {
  const found: TaskSnapshot[] = [];
  let after = q.pageToken ? decodeToken(q.pageToken) : undefined;
  const withLogs = q.view !== "MINIMAL";
  for (;;) {
    const records = await deps.store.tesTasks.list({ owner: principal.user.name, namePrefix: q.namePrefix, after, limit: BATCH });
    const filtered = records.filter((r) => matchesTags((JSON.parse(r.document) as { tags?: Record<string, string> }).tags ?? {}, q.tags));
    const snaps = await snapshotTasks(deps, filtered, false);
    for (const s of snaps) {
      if (q.state !== undefined && taskState(s.runs) !== q.state) continue;
      found.push(s);
      if (found.length === q.pageSize) break;
    }
    if (found.length === q.pageSize || records.length < BATCH) break;
    const last = records.at(-1)!;
    after = { createdAt: last.createdAt, id: last.id };
  }
  const tasks = withLogs ? await snapshotTasks(deps, found.map((s) => s.record), true) : found;
  return { tasks, nextPageToken: found.length === q.pageSize ? encodeToken(found.at(-1)!) : undefined };
}
