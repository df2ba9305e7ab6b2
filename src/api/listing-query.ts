import type { FastifyRequest } from "fastify";
import { labelProblem } from "../contracts/session-request.js";
import { PAGING_PARAMETERS, SELECTOR_PARAMETERS, SORT_FIELDS, type SkahaParameter, type SortField } from "../contracts/skaha-parameters.js";
import { invalid } from "../domain/errors.js";
import type { JobState } from "../domain/job.js";
import type { SessionSelector } from "../jobs/list-sessions.js";
import type { JobSortField } from "../jobs/list-sessions.js";
import { checkTextValue } from "./parameter-values.js";
import { queryParam } from "./request-params.js";
import { statesForStatus, STATUS_FILTER_VALUES } from "./presenters/session-status.js";

/** Every value of a catalogued, repeatable query parameter, case-insensitively. */
export function queryValues(request: FastifyRequest, p: SkahaParameter): string[] {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const wire = p.name.toLowerCase();
  const out: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (k.toLowerCase() !== wire) continue;
    for (const item of Array.isArray(v) ? v : [v]) if (typeof item === "string") out.push(item);
  }
  for (const value of out) checkTextValue(p, value);
  return out;
}

/** The wire's sort names (the session JSON's fields, the catalogue's SORT_FIELDS) and the store's. */
const SORT_BY: Record<SortField, JobSortField> = {
  createdTime: "created", startTime: "started", endTime: "ended", name: "name", status: "state", userid: "owner",
  image: "image", requestedCPUCores: "cores", requestedRAM: "ram",
};
const SORTS = new Map<string, JobSortField>(SORT_FIELDS.map((f) => [f.toLowerCase(), SORT_BY[f]]));

function instant(request: FastifyRequest, p: SkahaParameter): Date | undefined {
  const name = p.name;
  const raw = queryParam(request, p);
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
  for (const entry of queryValues(request, SELECTOR_PARAMETERS.label)) {
    const eq = entry.indexOf("=");
    const problem = eq <= 0 ? "each label filter is key=value" : labelProblem(entry.slice(0, eq), entry.slice(eq + 1));
    if (problem) throw invalid(`Invalid value for 'label': ${problem}.`, { parameter: "label" });
    labels[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  const name = queryParam(request, SELECTOR_PARAMETERS.name)?.trim();
  const set = queryParam(request, SELECTOR_PARAMETERS.set)?.trim();
  const image = queryParam(request, SELECTOR_PARAMETERS.image)?.trim();
  const user = queryParam(request, SELECTOR_PARAMETERS.user)?.trim();
  const changedSince = instant(request, SELECTOR_PARAMETERS.changedSince);
  const from = instant(request, SELECTOR_PARAMETERS.from);
  const to = instant(request, SELECTOR_PARAMETERS.to);
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
  const limitRaw = queryParam(request, PAGING_PARAMETERS.limit);
  const cursor = queryParam(request, PAGING_PARAMETERS.cursor);
  const sortRaw = queryParam(request, PAGING_PARAMETERS.sort)?.trim();
  let limit: number | undefined;
  if (limitRaw !== undefined) {
    if (!/^\s*\d+\s*$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 1000) throw invalid(`Invalid value for 'limit': ${limitRaw}. Allowed: a whole number from 1 to 1000.`, { parameter: "limit" });
    limit = Number(limitRaw);
  }
  let sort: { field: JobSortField; descending: boolean } | undefined;
  if (sortRaw) {
    const descending = sortRaw.startsWith("-");
    const field = SORTS.get(sortRaw.replace(/^[-+]/, "").toLowerCase());
    if (!field) throw invalid(`Invalid value for 'sort': ${sortRaw}. Allowed: ${SORT_FIELDS.join(", ")}, each with a leading '-' for descending.`, { parameter: "sort" });
    sort = { field, descending };
  }
  if (cursor !== undefined && limit === undefined) throw invalid("Parameter 'cursor' needs 'limit': the page size it continues.", { parameter: "cursor" });
  return { ...(limit !== undefined ? { limit } : {}), ...(cursor !== undefined ? { cursor } : {}), ...(sort ? { sort } : {}) };
}
