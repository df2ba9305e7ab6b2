import type { SessionRequest } from "../../contracts/session-request.js";
import type { ArcMount } from "../arc-paths.js";
import { refuserFor, type Refuse } from "../batch-file-error.js";
import { translateSubmitFile } from "../htcondor/submit-translator.js";
import type { FlavourTable } from "../htcondor/vm-flavours.js";
import { NoteList, type BatchPlan, type PlannedSet } from "../plan.js";
import { baseName, resolvePath } from "../posix-path.js";
import { nameFromText, withSuffix } from "../session-names.js";
import type { SubmitHost } from "../submit-host.js";
import { readDagFile, type DagFile, type DagNode } from "./dag-file.js";
import { applyNodeSettings, nodeOrder, parentsThroughSkipped } from "./dag-graph.js";

/**
 * The labels every session of a DAG carries, so `skyrun ps` can group a DAG and show
 * its progress, and `?label=` can list or delete it: `dag` (the DAG file's name),
 * `dag.id` (this submission), `dag.node` (the node's JOB name).
 */
export const DAG_LABELS = { dag: "dag", id: "dag.id", node: "dag.node", category: "dag.category" } as const;

export interface DagFileInput {
  readonly text: string;
  readonly name: string;
  /** Absolute local path. */
  readonly path: string;
}

export interface DagOptions {
  readonly host: SubmitHost;
  /** Absolute local directory condor_submit_dag would run in: node files and DIRs are relative to it. */
  readonly submitDir: string;
  readonly arc: ArcMount;
  /** The DAG's own number (`dag.id`); its nodes' clusters count up from the next one. */
  readonly dagNumber: number;
  readonly image?: string;
  readonly flavour?: string;
  readonly flavours?: FlavourTable;
  readonly random?: () => number;
}

/**
 * The node's submit description. An inline one (`JOB A { … }`, `SUBMIT-DESCRIPTION`) is
 * read as if it stood alone at its lines of the DAG file, so refusals name those lines;
 * it queues one job, as DAGMan documents.
 */
function nodeSubmitText(dag: DagFile, node: DagNode, o: DagOptions, dagFile: string, refuse: Refuse): { text: string; name: string; path: string; dir: string } {
  const dir = node.dir !== undefined ? resolvePath(o.submitDir, node.dir) : o.submitDir;
  const inline = "inline" in node.submit ? node.submit.inline : dag.descriptions.get(node.submit.file);
  if (inline) {
    const queue = /^\s*queue\b/im.exec(inline.text);
    if (queue) refuse(inline.line + inline.text.slice(0, queue.index).split("\n").length - 1, "queue", "an inline submit description queues exactly one job, as in DAGMan", "remove the queue line, or put the description in a file of its own.");
    return { text: "\n".repeat(inline.line - 1) + inline.text + "\nqueue\n", name: dagFile, path: `${dir}/${node.name}.sub`, dir };
  }
  if (!("file" in node.submit)) throw new Error("unreachable: a node has a file or an inline description");
  const path = resolvePath(dir, node.submit.file);
  const text = o.host.readFile(path);
  if (text === undefined) refuse(node.line, `JOB ${node.name} ${node.submit.file}`, `the submit file ${path} does not exist or cannot be read`, "check the name; relative names are read from the directory you submit from (or the node's DIR).");
  return { text, name: node.submit.file, path, dir };
}

/** `$(JOB)` in a VARS value is the node's name; `$(RETRY)` changes with each attempt, which macros expanded at submission cannot follow. */
function nodeVars(node: DagNode, append: boolean, refuse: Refuse): { name: string; value: string }[] {
  return node.vars.filter((v) => v.append === append).map((v) => {
    if (/\$\(\s*RETRY\s*\)/i.test(v.value)) refuse(v.line, `VARS ${node.name} ${v.name}="${v.value}"`, "$(RETRY) changes with every attempt, and skyrun expands macros once, at submission", "read the attempt number inside the job instead.");
    return { name: v.name, value: v.value.replace(/\$\(\s*JOB\s*\)/gi, node.name) };
  });
}

/** The node's cluster as one set: named after the node, labelled, retries and the category limit applied. */
function nodeSet(dag: DagFile, node: DagNode, plan: BatchPlan, ctx: { stem: string; dagNumber: number; fileName: string; refuse: Refuse }, after: string[]): PlannedSet {
  if (plan.sets.length > 1) ctx.refuse(node.line, `JOB ${node.name}`, "the node's submit file makes more than one cluster (it changes executable between queue statements), which DAGMan does not allow", "give the node one executable.");
  const set = plan.sets[0]!;
  const base = nameFromText(node.name, "node");
  const category = node.category ? dag.maxJobs.get(node.category.name) : undefined;
  if (category && set.maxRunning !== undefined) ctx.refuse(node.category!.line, `CATEGORY ${node.name} ${node.category!.name}`, "the node's jobs are already limited by max_materialize, and skyrun applies one limit to a set", "keep either the category or max_materialize.");
  const sessions: SessionRequest[] = set.sessions.map((s, proc) => ({
    ...s,
    name: set.sessions.length === 1 ? base : withSuffix(base, proc),
    labels: {
      ...s.labels,
      [DAG_LABELS.dag]: ctx.stem, [DAG_LABELS.id]: String(ctx.dagNumber), [DAG_LABELS.node]: node.name,
      ...(node.category ? { [DAG_LABELS.category]: `${ctx.dagNumber}.${node.category.name}` } : {}),
    },
    ...(node.retry ? { retries: node.retry.count } : {}),
  }));
  return {
    ...set, key: node.name, title: `node ${node.name}`, name: base, sessions,
    ...(after.length > 0 ? { after } : {}),
    ...(category ? { maxRunning: category.limit, maxRunningLabel: DAG_LABELS.category } : {}),
  };
}

/** What DAGMan does that dependencies and retries can only approximate, noted at its line. */
function noteApproximations(node: DagNode, notes: NoteList, fileName: string, refuse: Refuse): void {
  if (node.retry?.unlessExit !== undefined) notes.add(fileName, node.retry.line, `RETRY ${node.name} … UNLESS-EXIT ${node.retry.unlessExit}: skyrun retries every failed attempt, that exit code included`);
  if (node.retry && node.retry.count > 10) refuse(node.retry.line, `RETRY ${node.name} ${node.retry.count}`, "skyrun retries a session at most 10 times", "give at most 10 retries.");
  const abort = node.abortOn;
  if (!abort) return;
  if (abort.exitValue === 0) refuse(abort.line, `ABORT-DAG-ON ${node.name} 0`, "aborting the DAG when a node succeeds cannot be expressed: skyrun starts a node's children when it succeeds", "make the children depend on something else, or drop the line.");
  notes.add(fileName, abort.line, `ABORT-DAG-ON ${node.name} ${abort.exitValue}: when ${node.name} fails, the nodes after it never start, but other branches of the DAG run on (skyrun has no DAG-wide abort); stop them with skyrun delete`);
}

/**
 * Translates a DAGMan input file into sessions: one set per node (its submit file's
 * cluster), each after the sets of its parents, all labelled with the DAG (see
 * {@link DAG_LABELS}). NOOP nodes make no sessions (their children wait for their
 * parents); DONE nodes are skipped. Throws BatchFileError at the first line that cannot
 * be translated, in the DAG file or a node's submit file.
 */
export function translateDagFile(file: DagFileInput, o: DagOptions): BatchPlan {
  const refuse: Refuse = refuserFor(file.name);
  const notes = new NoteList();
  const dag = readDagFile(file.text, refuse, notes, file.name, (name, line) => {
    const path = resolvePath(o.submitDir, name);
    return o.host.readFile(path) ?? refuse(line, `INCLUDE ${name}`, `${path} does not exist or cannot be read`, "check the file name.");
  });
  applyNodeSettings(dag, refuse);
  const stem = baseName(file.name).replace(/\.dag$/i, "") || "dag";
  const sets: PlannedSet[] = [];
  const skipped = new Set(dag.nodes.filter((n) => n.noop || n.done).map((n) => n.name));
  for (const node of nodeOrder(dag, refuse)) {
    noteApproximations(node, notes, file.name, refuse);
    if (node.noop || node.done) continue;
    const submit = nodeSubmitText(dag, node, o, file.name, refuse);
    const plan = translateNode(node, submit, o, o.dagNumber + 1 + sets.length, refuse);
    for (const w of plan.warnings) notes.add(w.file, w.line, w.message);
    if (plan.sets.length === 0) {
      notes.add(file.name, node.line, `JOB ${node.name}: its submit file queues no jobs; the node counts as done`);
      skipped.add(node.name);
      continue;
    }
    sets.push(nodeSet(dag, node, plan, { stem, dagNumber: o.dagNumber, fileName: file.name, refuse }, parentsThroughSkipped(dag, node.name, skipped)));
  }
  return { kind: "dagman", jobNumber: o.dagNumber, sets, warnings: notes.notes };
}

function translateNode(node: DagNode, submit: { text: string; name: string; path: string; dir: string }, o: DagOptions, cluster: number, refuse: Refuse): BatchPlan {
  return translateSubmitFile({ text: submit.text, name: submit.name, path: submit.path }, {
    host: o.host, submitDir: submit.dir, arc: o.arc, clusterNumber: cluster,
    prepend: nodeVars(node, false, refuse), append: nodeVars(node, true, refuse),
    ...(o.image !== undefined ? { image: o.image } : {}), ...(o.flavour !== undefined ? { flavour: o.flavour } : {}),
    ...(o.flavours ? { flavours: o.flavours } : {}), ...(o.random ? { random: o.random } : {}),
  });
}
