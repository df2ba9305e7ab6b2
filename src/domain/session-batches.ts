import type { JobId } from "./ids.js";
import { isTerminal, type JobState } from "./job.js";

/** What grouping needs of a job. */
export interface BatchMember {
  readonly id: JobId;
  readonly name: string;
  readonly setId: string | null;
  readonly replicaIndex: number | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly state: JobState;
  readonly createdAt: Date;
  readonly submitSeq: number;
  readonly visibleUntil: Date;
  /** Sessions it waits on: sessions joined by `dependsOn` are one DAG. */
  readonly dependsOn?: readonly JobId[];
}

/** How jobs are grouped: by DAG (else set, else alone), by set (else alone), or by a label's values (else as by DAG). */
export type BatchGrouping = { readonly kind: "dag" } | { readonly kind: "set" } | { readonly kind: "label"; readonly key: string };

/** Where a job stands, as condor_q's batch view counts it. */
export type BatchSlot = "done" | "run" | "idle" | "hold";

export interface BatchRow {
  readonly key: string;
  readonly kind: "dag" | "set" | "label" | "session";
  readonly name: string;
  readonly firstCreatedAt: Date;
  readonly done: number;
  readonly failed: number;
  readonly run: number;
  readonly idle: number;
  readonly hold: number;
  readonly total: number;
  readonly setId: string | null;
}

/** The labels DAGs are known by (`skyrun submit-dag` sets them). */
const DAG = "dag";
const DAG_ID = "dag.id";

/**
 * Sessions joined by `dependsOn` (either way, through any number of steps) as one
 * component each, named by its first-submitted session: a DAG created through the API
 * without `skyrun submit-dag`'s labels. Components of one session are left out.
 */
function dependencyComponents(members: readonly BatchMember[]): Map<JobId, BatchMember> {
  const parent = new Map<JobId, JobId>();
  const byId = new Map(members.map((m) => [m.id, m]));
  const find = (id: JobId): JobId => {
    let root = id;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    for (let x = id; x !== root;) { const next = parent.get(x)!; parent.set(x, root); x = next; }
    return root;
  };
  const union = (a: JobId, b: JobId) => {
    const [ra, rb] = [find(a), find(b)];
    if (ra === rb) return;
    // The root is the earlier-submitted session, so it names the component.
    const earlier = (byId.get(ra)?.submitSeq ?? 0) <= (byId.get(rb)?.submitSeq ?? 0);
    parent.set(earlier ? rb : ra, earlier ? ra : rb);
  };
  for (const m of members) {
    for (const d of m.dependsOn ?? []) {
      if (!byId.has(d)) continue;
      if (!parent.has(m.id)) parent.set(m.id, m.id);
      if (!parent.has(d)) parent.set(d, d);
      union(m.id, d);
    }
  }
  const roots = new Map<JobId, BatchMember>();
  for (const id of parent.keys()) roots.set(id, byId.get(find(id))!);
  return roots;
}

function batchOf(m: BatchMember, g: BatchGrouping, dagRoot?: BatchMember): { key: string; kind: BatchRow["kind"]; name: string | null } {
  if (g.kind === "label") {
    const v = m.labels[g.key];
    if (v !== undefined) return { key: `label:${g.key}=${v}`, kind: "label", name: `${g.key}=${v}` };
  }
  const dag = m.labels[DAG];
  if (g.kind !== "set" && dag !== undefined) {
    const id = m.labels[DAG_ID];
    return { key: `dag:${dag}${id !== undefined ? `#${id}` : ""}`, kind: "dag", name: dag };
  }
  if (g.kind !== "set" && dagRoot !== undefined) return { key: `dag:${dagRoot.name}#${dagRoot.id}`, kind: "dag", name: dagRoot.name };
  if (m.setId !== null) return { key: `set:${m.setId}`, kind: "set", name: null };
  return { key: `session:${m.id}`, kind: "session", name: m.name };
}

/** A batch being counted. */
interface Tally {
  key: string;
  kind: BatchRow["kind"];
  /** Known from the key (DAG, label), or null: taken from the first job. */
  fixedName: string | null;
  firstSeq: number;
  firstName: string;
  firstCreatedAt: Date;
  counts: Record<BatchSlot, number>;
  failed: number;
  total: number;
  sets: Set<string | null>;
  shown: boolean;
}

/**
 * Groups jobs into batches, oldest first, as `condor_q` does: one row per DAG, set or
 * label value, counting every kept job of it. A batch is shown while one of its jobs is
 * active, or, with `includeEnded`, while one is still in the listing window.
 * `slotOf` says where an active job stands (run, idle or hold). Pure.
 */
export function groupBatches(members: readonly BatchMember[], g: BatchGrouping, slotOf: (m: BatchMember) => BatchSlot, now: Date, includeEnded: boolean): BatchRow[] {
  const tallies = new Map<string, Tally>();
  const dags = g.kind === "set" ? new Map<JobId, BatchMember>() : dependencyComponents(members);
  for (const m of members) {
    const b = batchOf(m, g, dags.get(m.id));
    let t = tallies.get(b.key);
    if (!t) {
      t = { key: b.key, kind: b.kind, fixedName: b.name, firstSeq: m.submitSeq, firstName: m.name, firstCreatedAt: m.createdAt, counts: { done: 0, run: 0, idle: 0, hold: 0 }, failed: 0, total: 0, sets: new Set(), shown: false };
      tallies.set(b.key, t);
    }
    const ended = isTerminal(m.state);
    t.counts[ended ? "done" : slotOf(m)]++;
    if (m.state === "failed" || m.state === "cancelled") t.failed++;
    t.total++;
    t.sets.add(m.setId);
    if (m.submitSeq < t.firstSeq) {
      t.firstSeq = m.submitSeq;
      t.firstName = m.name;
    }
    if (m.createdAt < t.firstCreatedAt) t.firstCreatedAt = m.createdAt;
    if (!ended || (includeEnded && m.visibleUntil > now)) t.shown = true;
  }
  return [...tallies.values()].filter((t) => t.shown).sort((a, b) => a.firstSeq - b.firstSeq).map((t) => ({
    key: t.key,
    kind: t.kind,
    // A set's name is its sessions' name: replicas are `name-N`, HTCondor's procs `name-<proc>`.
    name: t.fixedName ?? (t.total > 1 ? t.firstName.replace(/-\d+$/, "") : t.firstName),
    firstCreatedAt: t.firstCreatedAt,
    ...t.counts,
    failed: t.failed,
    total: t.total,
    setId: t.sets.size === 1 ? [...t.sets][0] ?? null : null,
  }));
}
