/**
 * Groups of sessions with batch dashboards' counts (DONE / RUN / IDLE / FAILED / TOTAL):
 * by set (created together: `setId`, or replicas of one request), by DAG (sessions
 * joined by `dependsOn`, either way), or by the value of one label.
 */
import type { Session } from "../api/extension-types.js";
import { statusClass, type StatusClass } from "../format.js";
import type { GroupBy, SessionQuery } from "./session-query.js";

export interface SessionGroup {
  readonly key: string;
  readonly label: string;
  readonly counts: Readonly<Record<StatusClass, number>> & { readonly total: number };
  /** Up to 50 members, for the group's list. */
  readonly sample: readonly Session[];
  /** The filter that shows exactly this group in the table, when the listing has one. */
  readonly filter: Partial<SessionQuery> | undefined;
  readonly firstCreated: string;
}

const replicaBase = (s: Session): string | undefined =>
  s.replicaCount !== undefined && s.replicaCount > 1 && s.name ? s.name.replace(/-\d+$/, "") : undefined;

function dagRoots(rows: readonly Session[]): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  for (const s of rows) if (!parent.has(s.id)) parent.set(s.id, s.id);
  for (const s of rows) {
    for (const d of s.dependsOn ?? []) {
      if (!parent.has(d)) parent.set(d, d);
      const a = find(s.id);
      const b = find(d);
      if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
    }
  }
  const roots = new Map<string, string>();
  for (const s of rows) roots.set(s.id, find(s.id));
  return roots;
}

/** The groups of `rows` under `by`, biggest first. Sessions in no group share one "none" group. */
export function groupSessions(rows: readonly Session[], by: GroupBy): SessionGroup[] {
  const roots = by === "dag" ? dagRoots(rows) : undefined;
  const hasEdges = new Set<string>();
  if (roots) for (const s of rows) if ((s.dependsOn?.length ?? 0) > 0) { hasEdges.add(roots.get(s.id)!); }
  const labelKey = by.startsWith("label:") ? by.slice(6) : "";
  const keyOf = (s: Session): { key: string; label: string; filter: Partial<SessionQuery> | undefined } => {
    if (by === "set") {
      if (s.setId) return { key: `set:${s.setId}`, label: `set ${s.setId}${s.name ? ` (${replicaBase(s) ?? s.name})` : ""}`, filter: { set: s.setId } };
      const base = replicaBase(s);
      if (base) return { key: `replicas:${base}`, label: `${base}-1…${s.replicaCount}`, filter: { name: `${base}-*` } };
      return { key: "none", label: "Not in a set", filter: undefined };
    }
    if (by === "dag") {
      const root = roots!.get(s.id)!;
      if (!hasEdges.has(root)) return { key: "none", label: "No dependencies", filter: undefined };
      return { key: `dag:${root}`, label: `DAG from ${root}`, filter: undefined };
    }
    const value = s.labels?.[labelKey];
    if (value === undefined) return { key: "none", label: `No ${labelKey} label`, filter: undefined };
    return { key: `label:${value}`, label: `${labelKey}=${value}`, filter: { labels: [`${labelKey}=${value}`] } };
  };
  const groups = new Map<string, { key: string; label: string; filter: Partial<SessionQuery> | undefined; counts: Record<StatusClass | "total", number>; sample: Session[]; firstCreated: string }>();
  for (const s of rows) {
    const k = keyOf(s);
    let g = groups.get(k.key);
    if (!g) {
      g = { ...k, counts: { done: 0, run: 0, idle: 0, failed: 0, total: 0 }, sample: [], firstCreated: s.createdTime ?? "" };
      groups.set(k.key, g);
    }
    g.counts[statusClass(s.status)]++;
    g.counts.total++;
    if (g.sample.length < 50) g.sample.push(s);
    if ((s.createdTime ?? "") < g.firstCreated) g.firstCreated = s.createdTime ?? "";
  }
  return [...groups.values()].sort((a, b) => (a.key === "none" ? 1 : b.key === "none" ? -1 : b.counts.total - a.counts.total || a.label.localeCompare(b.label)));
}
