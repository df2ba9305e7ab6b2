/**
 * What the jobs table shows: filters, sort, grouping and the open session, kept in the
 * page's URL (`/jobs?status=Running&label=run=n42&sort=-startTime&open=ab12cd34`) so a
 * view is a link that survives reload. Parsing and printing are inverse; unknown
 * parameters are ignored.
 */
import type { Session } from "../api/extension-types.js";

/** Columns the server sorts by (the notes' `sort` values). */
export const SORT_KEYS = ["createdTime", "startTime", "endTime", "name", "status", "userid", "image", "requestedCPUCores", "requestedRAM"] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const STATUS_VALUES = ["Pending", "Running", "Terminating", "Completed", "Failed"] as const;

export type GroupBy = "" | "set" | "dag" | `label:${string}`;

export interface SessionQuery {
  readonly status: readonly string[];
  /** `prefix*` or exact. */
  readonly name: string;
  /** Exact id: the table shows that one session. */
  readonly id: string;
  /** Substring. */
  readonly image: string;
  /** `key=value`, all must match. */
  readonly labels: readonly string[];
  /** Administrators: one user's sessions. */
  readonly user: string;
  readonly set: string;
  /** createdTime range, ISO 8601 (date or instant). */
  readonly from: string;
  readonly to: string;
  /** Exit code, exact (filtered in the browser: the listing has no such filter). */
  readonly exitCode: string;
  readonly sort: SortKey;
  readonly descending: boolean;
  readonly group: GroupBy;
  /** Administrators: everyone's sessions. */
  readonly all: boolean;
}

export const EMPTY_QUERY: SessionQuery = {
  status: [], name: "", id: "", image: "", labels: [], user: "", set: "", from: "", to: "", exitCode: "",
  sort: "createdTime", descending: true, group: "", all: false,
};

const isSortKey = (s: string): s is SortKey => (SORT_KEYS as readonly string[]).includes(s);

export function parseQuery(search: string): SessionQuery {
  const p = new URLSearchParams(search);
  const sortParam = p.get("sort") ?? "-createdTime";
  const descending = sortParam.startsWith("-");
  const sortKey = sortParam.replace(/^-/, "");
  const group = p.get("group") ?? "";
  return {
    status: p.getAll("status").filter((s) => s !== ""),
    name: p.get("name") ?? "",
    id: p.get("id") ?? "",
    image: p.get("image") ?? "",
    labels: p.getAll("label").filter((s) => s.includes("=")),
    user: p.get("user") ?? "",
    set: p.get("set") ?? "",
    from: p.get("from") ?? "",
    to: p.get("to") ?? "",
    exitCode: p.get("exitCode") ?? "",
    sort: isSortKey(sortKey) ? sortKey : "createdTime",
    descending: isSortKey(sortKey) ? descending : true,
    group: group === "set" || group === "dag" || /^label:.+/.test(group) ? (group as GroupBy) : "",
    all: p.get("all") === "1",
  };
}

/** The URL search string of a query (without defaults), plus the open session. */
export function printQuery(q: SessionQuery, open?: string): string {
  const p = new URLSearchParams();
  for (const s of q.status) p.append("status", s);
  const single: [string, string][] = [["name", q.name], ["id", q.id], ["image", q.image], ["user", q.user], ["set", q.set], ["from", q.from], ["to", q.to], ["exitCode", q.exitCode]];
  for (const [k, v] of single) if (v !== "") p.set(k, v);
  for (const l of q.labels) p.append("label", l);
  if (q.sort !== "createdTime" || !q.descending) p.set("sort", `${q.descending ? "-" : ""}${q.sort}`);
  if (q.group !== "") p.set("group", q.group);
  if (q.all) p.set("all", "1");
  if (open) p.set("open", open);
  const s = p.toString();
  return s === "" ? "" : `?${s}`;
}

/**
 * An instant of a range: ISO 8601, or relative to now as `-24h` (so a shared link to
 * "the last day" stays the last day).
 */
export function resolveInstant(s: string, nowMs = Date.now()): string {
  const rel = /^-(\d+)h$/.exec(s.trim());
  if (!rel) return s;
  return new Date(nowMs - Number(rel[1]) * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The listing's parameters for a query (the notes' paged listing). */
export function listingParams(q: SessionQuery): Record<string, string | readonly string[] | undefined> {
  return {
    status: q.status.length > 0 ? q.status : undefined,
    name: q.name || undefined,
    image: q.image || undefined,
    label: q.labels.length > 0 ? q.labels : undefined,
    user: q.all && q.user ? q.user : undefined,
    set: q.set || undefined,
    from: q.from ? resolveInstant(q.from) : undefined,
    to: q.to ? resolveInstant(q.to) : undefined,
    view: q.all ? "all" : undefined,
    sort: `${q.descending ? "-" : ""}${q.sort}`,
  };
}

/** Filters the server cannot apply; the table applies them to what it loaded. */
export const hasBrowserFilters = (q: SessionQuery): boolean => q.exitCode !== "" || q.id !== "";

const statusMatches = (wanted: readonly string[], status: string): boolean =>
  wanted.length === 0 || wanted.some((w) => w.toLowerCase() === status.toLowerCase() || (/^(completed|succeeded)$/i.test(w) && /^(completed|succeeded)$/i.test(status)));

const nameMatches = (pattern: string, name: string | undefined): boolean => {
  if (pattern === "") return true;
  if (pattern.endsWith("*")) return (name ?? "").startsWith(pattern.slice(0, -1));
  return name === pattern;
};

const instantMs = (s: string | undefined): number => (s ? Date.parse(resolveInstant(s)) : Number.NaN);

/** True when a session passes the query's filters (the same rules as the server's). */
export function matchesQuery(s: Session, q: SessionQuery): boolean {
  if (!statusMatches(q.status, s.status)) return false;
  if (!nameMatches(q.name, s.name)) return false;
  if (q.id !== "" && s.id !== q.id) return false;
  if (q.image !== "" && !(s.image ?? "").includes(q.image)) return false;
  if (q.user !== "" && s.userid !== q.user) return false;
  if (q.set !== "" && s.setId !== q.set) return false;
  if (q.exitCode !== "" && String(s.exitCode ?? "") !== q.exitCode.trim()) return false;
  for (const l of q.labels) {
    const at = l.indexOf("=");
    if (s.labels?.[l.slice(0, at)] !== l.slice(at + 1)) return false;
  }
  const created = instantMs(s.createdTime);
  if (q.from !== "" && !(created >= instantMs(q.from))) return false;
  if (q.to !== "" && !(created <= instantMs(q.to))) return false;
  return true;
}

function sortValue(s: Session, key: SortKey): string | number {
  switch (key) {
    case "createdTime": case "startTime": case "endTime": return instantMs(s[key]) || 0;
    case "requestedCPUCores": case "requestedRAM": return Number(s[key] ?? 0);
    default: return (s[key] ?? "").toLowerCase();
  }
}

/** Sorts as the server does: by the key, then by id for a stable order. */
export function compareSessions(key: SortKey, descending: boolean): (a: Session, b: Session) => number {
  const sign = descending ? -1 : 1;
  return (a, b) => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    if (x < y) return -sign;
    if (x > y) return sign;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}
