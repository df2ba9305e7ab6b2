import type { FastifyRequest } from "fastify";
import { labelProblem } from "../contracts/session-request.js";
import { invalid } from "../domain/errors.js";
import type { JobState } from "../domain/job.js";
import type { SessionSelector } from "../jobs/list-sessions.js";
import type { JobSortField } from "../jobs/list-sessions.js";
import { queryParam } from "./request-params.js";
import { statesForStatus, STATUS_FILTER_VALUES } from "./presenters/session-status.js";

/** Every value of a query parameter, case-insensitively (repeatable parameters). */
export function queryValues(request: FastifyRequest, name: string): string[] {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const out: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (k.toLowerCase() !== name) continue;
    for (const item of Array.isArray(v) ? v : [v]) if (typeof item === "string") out.push(item);
  }
  return out;
}

/** The wire's sort names (the session JSON's fields) and the store's. */
const SORTS: Record<string, JobSortField> = {
  createdtime: "created", starttime: "started", endtime: "ended", name: "name", status: "state", userid: "owner",
  image: "image", requestedcpucores: "cores", requestedram: "ram",
};

function instant(request: FastifyRequest, name: string): Date | undefined {
  const raw = queryParam(request, name);
  if (raw === undefined) return undefined;
  const d = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw.trim()) || Number.isNaN(d.getTime())) {
    throw invalid(`Invalid value for '${name}': ${raw}. Allowed: an ISO 8601 instant, e.g. 2026-12-01T12:00:00Z.`, { parameter: name });
  }
  return d;
}

/** The job states the `status` filters name (repeatable); a 400 naming the allowed words for anything else. */
export function statusFilter(values: readonly string[]): readonly JobState[] | undefined {
  if (values.length === 0) return undefined;
  return values.flatMap((status) => {
    const states = statesForStatus(status);
    if (!states) throw invalid(`Invalid value for 'status': ${status}. Allowed: ${STATUS_FILTER_VALUES.join(", ")}.`, { parameter: "status" });
    return states;
  });
}

/**
 * The selectors of a listing or a bulk action: `label=key=value` (repeatable, all
 * must match), `name=prefix*` or an exact name, `set`, `changedSince`, `image`
 * (substring), `from`/`to` (creation), `user` (administrators).
 */
export function parseSelector(request: FastifyRequest): SessionSelector {
  const labels: Record<string, string> = {};
  for (const entry of queryValues(request, "label")) {
    const eq = entry.indexOf("=");
    const problem = eq <= 0 ? "each label filter is key=value" : labelProblem(entry.slice(0, eq), entry.slice(eq + 1));
    if (problem) throw invalid(`Invalid value for 'label': ${problem}.`, { parameter: "label" });
    labels[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  const name = queryParam(request, "name")?.trim();
  const set = queryParam(request, "set")?.trim();
  const image = queryParam(request, "image")?.trim();
  const user = queryParam(request, "user")?.trim();
  const changedSince = instant(request, "changedsince");
  const from = instant(request, "from");
  const to = instant(request, "to");
  return {
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(name ? { name: name.endsWith("*") ? { prefix: name.slice(0, -1) } : { exact: name } } : {}),
    ...(set ? { setId: set } : {}),
    ...(image ? { image } : {}),
    ...(user ? { user } : {}),
    ...(changedSince ? { changedSince } : {}),
    ...(from ? { createdFrom: from } : {}),
    ...(to ? { createdTo: to } : {}),
  };
}

/** Paging and order of a listing: `limit` (1..1000), `cursor`, `sort` (a session field, `-` first for descending). */
export function parsePaging(request: FastifyRequest): { limit?: number; cursor?: string; sort?: { field: JobSortField; descending: boolean } } {
  const limitRaw = queryParam(request, "limit");
  const cursor = queryParam(request, "cursor");
  const sortRaw = queryParam(request, "sort")?.trim();
  let limit: number | undefined;
  if (limitRaw !== undefined) {
    if (!/^\s*\d+\s*$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 1000) throw invalid(`Invalid value for 'limit': ${limitRaw}. Allowed: a whole number from 1 to 1000.`, { parameter: "limit" });
    limit = Number(limitRaw);
  }
  let sort: { field: JobSortField; descending: boolean } | undefined;
  if (sortRaw) {
    const descending = sortRaw.startsWith("-");
    const field = SORTS[sortRaw.replace(/^[-+]/, "").toLowerCase()];
    if (!field) throw invalid(`Invalid value for 'sort': ${sortRaw}. Allowed: ${["createdTime", "startTime", "endTime", "name", "status", "userid", "image", "requestedCPUCores", "requestedRAM"].join(", ")}, each with a leading '-' for descending.`, { parameter: "sort" });
    sort = { field, descending };
  }
  if (cursor !== undefined && limit === undefined) throw invalid("Parameter 'cursor' needs 'limit': the page size it continues.", { parameter: "cursor" });
  return { ...(limit !== undefined ? { limit } : {}), ...(cursor !== undefined ? { cursor } : {}), ...(sort ? { sort } : {}) };
}
