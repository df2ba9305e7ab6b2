import type { Refuse } from "../batch-file-error.js";
import type { NoteList } from "../plan.js";

/**
 * A DAGMan input file, read: nodes (`JOB`, with a submit file, an inline `{ … }`
 * description or a `SUBMIT-DESCRIPTION`), dependencies (`PARENT … CHILD …`), and per
 * node `VARS`, `RETRY`, `ABORT-DAG-ON` and `CATEGORY` (with `MAXJOBS`). Keywords are
 * case-insensitive, node names case-sensitive; `#` starts a comment line.
 */
export interface DagFile {
  /** In file order. */
  readonly nodes: DagNode[];
  readonly edges: { readonly parent: string; readonly child: string; readonly line: number }[];
  /** `SUBMIT-DESCRIPTION name { … }`, by name. */
  readonly descriptions: Map<string, InlineSubmit>;
  /** `MAXJOBS category N`, by category. */
  readonly maxJobs: Map<string, { readonly limit: number; readonly line: number }>;
  /** `ALL_NODES` settings and per-node settings, applied once every node is known. */
  readonly settings: NodeSetting[];
}

export interface InlineSubmit {
  readonly text: string;
  /** The line the description's first command is on. */
  readonly line: number;
}

export interface DagNode {
  readonly name: string;
  readonly line: number;
  /** A submit file path (relative to the directory of submission) or the name of a SUBMIT-DESCRIPTION, or an inline description. */
  readonly submit: { readonly file: string } | { readonly inline: InlineSubmit };
  readonly dir?: string;
  readonly noop: boolean;
  readonly done: boolean;
  vars: DagVar[];
  retry?: { readonly count: number; readonly unlessExit?: number; readonly line: number };
  abortOn?: { readonly exitValue: number; readonly returnValue?: number; readonly line: number };
  category?: { readonly name: string; readonly line: number };
}

export interface DagVar {
  readonly name: string;
  readonly value: string;
  readonly line: number;
  /** PREPEND (before the submit file, DAGMan's default) or APPEND (after it). */
  readonly append: boolean;
}

/** A setting line for a node or ALL_NODES, kept until every JOB is read. */
export type NodeSetting =
  | { readonly kind: "vars"; readonly node: string; readonly line: number; readonly vars: DagVar[] }
  | { readonly kind: "retry"; readonly node: string; readonly line: number; readonly count: number; readonly unlessExit?: number }
  | { readonly kind: "abort"; readonly node: string; readonly line: number; readonly exitValue: number; readonly returnValue?: number }
  | { readonly kind: "category"; readonly node: string; readonly line: number; readonly category: string };

/** DAG commands skyrun accepts without effect, and why. */
const IGNORED: Readonly<Record<string, string>> = {
  config: "DAGMan configuration is ignored; skyrun's server schedules the nodes",
  dot: "no dot file is written; see the DAG with skyrun ps",
  node_status_file: "no node status file is written; see the DAG's progress with skyrun ps",
  jobstate_log: "no job state log is written",
  save_point_file: "no save point files are written",
  priority: "ignored: skyrun runs your jobs in its own queue order",
};

/** DAG commands that cannot be translated, and what to do instead. */
const REFUSED: Readonly<Record<string, [string, string]>> = {
  script: ["PRE and POST scripts run on the submitting machine, and skyrun runs nothing there", "make the script a node of its own (a job that runs it), with PARENT/CHILD around it."],
  pre_skip: ["PRE_SKIP needs PRE scripts, which skyrun does not run", "remove it."],
  subdag: ["nested DAGs are not translated", "merge the inner DAG's nodes into this file (or INCLUDE it)."],
  splice: ["splices are not translated", "merge the spliced DAG's nodes into this file (or INCLUDE it)."],
  final: ["a FINAL node runs even when the DAG failed, and skyrun dependencies run a node only after its parents succeeded", "run the final step yourself after skyrun wait."],
  provisioner: ["provisioner nodes are not translated", "remove it."],
  service: ["service nodes are not translated", "remove it."],
  set_job_attr: ["SET_JOB_ATTR is not translated", "set the attribute in the node submit files as +Attr = value."],
  env: ["DAGMan's ENV is not translated", "set the variables in the node submit files with environment."],
  reject: ["this DAG is marked REJECT", "remove the REJECT line once the DAG is ready."],
  connect: ["splice connections are not translated", "merge the spliced DAGs."],
  pin_in: ["splice pins are not translated", "merge the spliced DAGs."],
  pin_out: ["splice pins are not translated", "merge the spliced DAGs."],
  data: ["DATA nodes were removed from DAGMan", "write them as JOB nodes."],
};

const integer = (text: string | undefined): number | undefined => (text !== undefined && /^-?\d+$/.test(text) ? Number(text) : undefined);

/** `name="value"` pairs of a VARS line; `\"` and `\\` are escapes inside the value. */
export function parseVars(text: string, line: number, append: boolean): DagVar[] | undefined {
  const vars: DagVar[] = [];
  const re = /\s*([+]?[A-Za-z0-9_.]+)\s*=\s*"((?:[^"\\]|\\.)*)"/y;
  let at = 0;
  while (at < text.length && text.slice(at).trim() !== "") {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) return undefined;
    vars.push({ name: m[1]!, value: m[2]!.replace(/\\(["\\])/g, "$1"), line, append });
    at = re.lastIndex;
  }
  return vars;
}

/** Reads a DAG file's text. `include` reads an INCLUDEd file by its name as written. */
export function readDagFile(text: string, refuse: Refuse, notes: NoteList, fileName: string, include: (name: string, line: number) => string): DagFile {
  const dag: DagFile = { nodes: [], edges: [], descriptions: new Map(), maxJobs: new Map(), settings: [] };
  readInto(dag, text, { refuse, notes, fileName, include, depth: 0 });
  return dag;
}

interface ReadContext {
  readonly refuse: Refuse;
  readonly notes: NoteList;
  readonly fileName: string;
  readonly include: (name: string, line: number) => string;
  readonly depth: number;
}

function readInto(dag: DagFile, text: string, ctx: ReadContext): void {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (t === "" || t.startsWith("#")) continue;
    const line = i + 1;
    const words = t.split(/\s+/);
    const keyword = words[0]!.toLowerCase();
    if (keyword === "job" || keyword === "submit-description") {
      i = readJob(dag, lines, i, keyword, words, ctx);
      continue;
    }
    readCommand(dag, t, line, keyword, words, ctx);
  }
}

/** Collects `{ … }` lines after line `i`; returns the description and the index of its `}` line. */
function inlineBlock(lines: readonly string[], i: number, refuse: Refuse, construct: string): { block: InlineSubmit; end: number } {
  const body: string[] = [];
  let j = i + 1;
  while (j < lines.length && lines[j]!.trim() !== "}") body.push(lines[j++]!);
  if (j >= lines.length) refuse(i + 1, construct, "the inline submit description has no closing } line", "end it with a line holding only }.");
  return { block: { text: body.join("\n"), line: i + 2 }, end: j };
}

function readJob(dag: DagFile, lines: readonly string[], i: number, keyword: string, words: string[], ctx: ReadContext): number {
  const line = i + 1;
  const t = lines[i]!.trim();
  const name = words[1];
  if (name === undefined || words[2] === undefined) ctx.refuse(line, t, `${words[0]!} needs a name and a submit description`, `write ${words[0]!} NAME FILE (or NAME { … }).`);
  if (/^(parent|child)$/i.test(name) || /[.+]/.test(name)) ctx.refuse(line, t, `${JSON.stringify(name)} cannot be a node name (PARENT, CHILD, '.' and '+' are reserved)`, "rename the node.");
  if (keyword === "submit-description") {
    if (words[2] !== "{") ctx.refuse(line, t, "SUBMIT-DESCRIPTION takes an inline description", "write SUBMIT-DESCRIPTION NAME { then the commands, then }.");
    const { block, end } = inlineBlock(lines, i, ctx.refuse, t);
    dag.descriptions.set(name, block);
    return end;
  }
  if (dag.nodes.some((n) => n.name === name)) ctx.refuse(line, t, `node ${name} is defined twice`, "give every node its own name.");
  let end = i;
  let submit: DagNode["submit"];
  if (words[2] === "{") {
    const read = inlineBlock(lines, i, ctx.refuse, t);
    submit = { inline: read.block };
    end = read.end;
  } else submit = { file: words[2] };
  const rest = words.slice(3).map((w) => w.toUpperCase());
  const dirAt = rest.indexOf("DIR");
  const unknown = rest.filter((w, k) => !["DIR", "NOOP", "DONE"].includes(w) && !(dirAt >= 0 && k === dirAt + 1));
  if (unknown.length > 0) ctx.refuse(line, t, `${unknown.join(" ")} is not a JOB option`, "JOB takes DIR directory, NOOP and DONE.");
  dag.nodes.push({
    name, line, submit, noop: rest.includes("NOOP"), done: rest.includes("DONE"), vars: [],
    ...(dirAt >= 0 ? { dir: words[3 + dirAt + 1] ?? ctx.refuse(line, t, "DIR needs a directory", "write DIR directory.") } : {}),
  });
  return end;
}

function readCommand(dag: DagFile, t: string, line: number, keyword: string, words: string[], ctx: ReadContext): void {
  const bad: (reason: string, hint: string) => never = (reason, hint) => ctx.refuse(line, t, reason, hint);
  if (keyword === "parent") {
    const childAt = words.findIndex((w) => w.toLowerCase() === "child");
    if (childAt < 2 || childAt === words.length - 1) bad("PARENT needs parents, CHILD and children", "write PARENT A [B …] CHILD C [D …].");
    for (const parent of words.slice(1, childAt)) for (const child of words.slice(childAt + 1)) dag.edges.push({ parent, child, line });
  } else if (keyword === "retry") {
    const count = integer(words[2]);
    const unless = words[3]?.toLowerCase() === "unless-exit" ? integer(words[4]) : undefined;
    if (words[1] === undefined || count === undefined || count < 0 || (words[3] !== undefined && unless === undefined)) bad("RETRY needs a node and a number of retries", "write RETRY NODE N [UNLESS-EXIT value].");
    dag.settings.push({ kind: "retry", node: words[1], line, count, ...(unless !== undefined ? { unlessExit: unless } : {}) });
  } else if (keyword === "abort-dag-on") {
    const exitValue = integer(words[2]);
    const returnValue = words[3]?.toLowerCase() === "return" ? integer(words[4]) : undefined;
    if (words[1] === undefined || exitValue === undefined || (words[3] !== undefined && returnValue === undefined)) bad("ABORT-DAG-ON needs a node and an exit value", "write ABORT-DAG-ON NODE value [RETURN value].");
    dag.settings.push({ kind: "abort", node: words[1], line, exitValue, ...(returnValue !== undefined ? { returnValue } : {}) });
  } else if (keyword === "vars") {
    const mode = words[2]?.toLowerCase();
    const explicit = mode === "prepend" || mode === "append";
    const rest = t.replace(/^\S+\s+\S+\s*/, "").replace(explicit ? /^\S+\s*/ : /^$/, "");
    const node = words[1];
    const vars = node === undefined ? undefined : parseVars(rest, line, mode === "append");
    if (node === undefined || !vars || vars.length === 0) bad("VARS needs a node and name=\"value\" pairs", 'write VARS NODE name="value" [name2="value2" …].');
    if (vars.some((v) => /^queue/i.test(v.name))) bad("a VARS name may not begin with queue", "rename the variable.");
    dag.settings.push({ kind: "vars", node, line, vars });
  } else if (keyword === "category") {
    if (words.length !== 3) bad("CATEGORY needs a node and a category", "write CATEGORY NODE category.");
    dag.settings.push({ kind: "category", node: words[1]!, line, category: words[2]! });
  } else if (keyword === "maxjobs") {
    const limit = integer(words[2]);
    if (words.length !== 3 || limit === undefined || limit < 1) bad("MAXJOBS needs a category and a limit", "write MAXJOBS category N.");
    dag.maxJobs.set(words[1]!, { limit, line });
  } else if (keyword === "include") {
    if (words.length !== 2 || ctx.depth >= 10) bad("INCLUDE needs one file (and includes may nest at most 10 deep)", "write INCLUDE FILE.");
    readInto(dag, ctx.include(words[1]!, line), { ...ctx, depth: ctx.depth + 1 });
  } else if (IGNORED[keyword] !== undefined) {
    ctx.notes.add(ctx.fileName, line, `${words[0]!}: ${IGNORED[keyword]}`);
  } else {
    const refused = REFUSED[keyword];
    if (refused) bad(...refused);
    bad("this is not a DAG command", "check the spelling; DAGMan would not read this line either.");
  }
}
