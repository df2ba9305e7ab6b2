import type { Refuse } from "../batch-file-error.js";
import type { DagFile, DagNode } from "./dag-file.js";

/** Applies VARS, RETRY, ABORT-DAG-ON and CATEGORY lines to their node, or to every node for ALL_NODES. */
export function applyNodeSettings(dag: DagFile, refuse: Refuse): void {
  for (const s of dag.settings) {
    const targets = s.node === "ALL_NODES" ? dag.nodes : dag.nodes.filter((n) => n.name === s.node);
    if (targets.length === 0) refuse(s.line, `${s.kind.toUpperCase()} ${s.node}`, `there is no node ${s.node}`, "name a node defined by a JOB line (node names are case-sensitive), or ALL_NODES.");
    for (const node of targets) {
      if (s.kind === "vars") node.vars = [...node.vars, ...s.vars];
      else if (s.kind === "retry") node.retry = { count: s.count, line: s.line, ...(s.unlessExit !== undefined ? { unlessExit: s.unlessExit } : {}) };
      else if (s.kind === "abort") node.abortOn = { exitValue: s.exitValue, line: s.line, ...(s.returnValue !== undefined ? { returnValue: s.returnValue } : {}) };
      else node.category = { name: s.category, line: s.line };
    }
  }
}

/** Parents of a node by name, in file order of the PARENT lines. */
function parentsOf(dag: DagFile, name: string): string[] {
  return [...new Set(dag.edges.filter((e) => e.child === name).map((e) => e.parent))];
}

/**
 * The nodes parents first, keeping file order where dependencies allow (Kahn's
 * algorithm, always taking the earliest ready node). Refuses edges to unknown nodes
 * and cycles.
 */
export function nodeOrder(dag: DagFile, refuse: Refuse): DagNode[] {
  const known = new Set(dag.nodes.map((n) => n.name));
  for (const e of dag.edges) {
    for (const name of [e.parent, e.child]) if (!known.has(name)) refuse(e.line, `PARENT … ${name} …`, `there is no node ${name}`, "define it with a JOB line first (node names are case-sensitive).");
  }
  const remaining = new Map(dag.nodes.map((n) => [n.name, new Set(parentsOf(dag, n.name))] as const));
  const order: DagNode[] = [];
  while (remaining.size > 0) {
    const ready = dag.nodes.find((n) => remaining.get(n.name)?.size === 0);
    if (!ready) {
      const stuck = [...remaining.keys()];
      const edge = dag.edges.find((e) => stuck.includes(e.child) && stuck.includes(e.parent))!;
      return refuse(edge.line, `PARENT ${edge.parent} CHILD ${edge.child}`, `the dependencies form a cycle among ${stuck.join(", ")}`, "a DAG cannot loop; remove one of the dependencies.");
    }
    remaining.delete(ready.name);
    for (const parents of remaining.values()) parents.delete(ready.name);
    order.push(ready);
  }
  return order;
}

/**
 * The sets a node waits for: its parents, where a NOOP parent (or one that queues
 * nothing) stands for its own parents, and a DONE parent for nothing.
 */
export function parentsThroughSkipped(dag: DagFile, name: string, skipped: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  const visit = (node: string) => {
    for (const parent of parentsOf(dag, node)) {
      const p = dag.nodes.find((n) => n.name === parent)!;
      if (p.done) continue;
      if (skipped.has(parent)) visit(parent);
      else out.add(parent);
    }
  };
  visit(name);
  return [...out];
}
