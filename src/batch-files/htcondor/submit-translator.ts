import type { SessionRequest } from "../../contracts/session-request.js";
import type { ArcMount } from "../arc-paths.js";
import { refuserFor, type Refuse } from "../batch-file-error.js";
import { NoteList, type BatchPlan, type PlannedSet } from "../plan.js";
import { baseName, dirName } from "../posix-path.js";
import { nameFromText, withSuffix } from "../session-names.js";
import type { SubmitHost } from "../submit-host.js";
import { buildJob, checkUniverse, type BuiltJob } from "./job-builder.js";
import { createJobView, type JobViewContext } from "./job-view.js";
import { expandMacros } from "./macro-expander.js";
import { queuedJobs } from "./queue-items.js";
import { parseQueueStatement, QueueSyntaxError } from "./queue-statement.js";
import { checkSubmitCommands } from "./submit-commands.js";
import { ConditionalStack, evaluateCondition } from "./submit-conditions.js";
import { SubmitMacros } from "./submit-macros.js";
import { isConditional, readSubmitStatements, type ActionStatement, type SubmitStatement } from "./submit-statements.js";
import { lookupFlavour, type FlavourTable } from "./vm-flavours.js";

/** A submit description and where it is. */
export interface SubmitFile {
  readonly text: string;
  /** The name as the user gave it, for messages. */
  readonly name: string;
  /** Its absolute local path (`$(SUBMIT_FILE)`, and the base of relative `include`s). */
  readonly path: string;
}

/** Everything a submit file is translated with besides its text. */
export interface SubmitOptions {
  readonly host: SubmitHost;
  /** Absolute local directory condor_submit would run in: relative paths start here. */
  readonly submitDir: string;
  readonly arc: ArcMount;
  /** The first cluster's `$(Cluster)`; further clusters count up. */
  readonly clusterNumber: number;
  /** canfar_submit's VM_IMAGE. */
  readonly image?: string;
  /** canfar_submit's VM_FLAVOR. */
  readonly flavour?: string;
  readonly flavours?: FlavourTable;
  /** For `$RANDOM_CHOICE()` and `$RANDOM_INTEGER()`. @defaultValue Math.random */
  readonly random?: () => number;
  /** Macros set before the file is read (DAGMan's VARS, the default). */
  readonly prepend?: readonly { readonly name: string; readonly value: string }[];
  /** Macros set after the file is read, before each queue statement (DAGMan's `VARS … APPEND`). */
  readonly append?: readonly { readonly name: string; readonly value: string }[];
}

interface Cluster {
  readonly number: number;
  readonly executable: string | undefined;
  readonly base: string;
  readonly jobs: BuiltJob[];
}

/** How deep `include : file` may nest before it is taken as a loop. */
const MAX_INCLUDE_DEPTH = 10;

class SubmitWalk {
  readonly macros = new SubmitMacros();
  readonly notes = new NoteList();
  readonly clusters: Cluster[] = [];
  private queued = false;

  constructor(private readonly file: SubmitFile, private readonly o: SubmitOptions) {}

  run(): void {
    for (const v of this.o.prepend ?? []) this.macros.define(v.name, v.value, 0);
    this.walk(this.file.text, this.file.name, this.file.path, 0);
    if (!this.queued) refuserFor(this.file.name)(0, "queue", "the submit file has no queue statement, so it queues no jobs", "end it with queue (or queue N).");
  }

  private walk(text: string, name: string, path: string, depth: number): void {
    const refuse: Refuse = refuserFor(name);
    const conditions = new ConditionalStack();
    for (const s of readSubmitStatements(text, refuse)) {
      if (!isConditional(s)) {
        if (conditions.active) this.statement(s, name, path, depth, refuse);
      } else if (s.kind === "if" || s.kind === "elif") conditions.enter(s.kind, s.line, () => this.condition(s, refuse), refuse);
      else conditions.enter(s.kind, s.line, () => true, refuse);
    }
    conditions.close(refuse);
  }

  private statement(s: ActionStatement, name: string, path: string, depth: number, refuse: Refuse): void {
    if (s.kind === "assign") this.macros.define(s.name, s.value, s.line);
    else if (s.kind === "include") this.include(s, name, path, depth, refuse);
    else this.queue(s, name, refuse);
  }

  private expandHere(text: string, name: string, line: number, refuse: Refuse): string {
    return expandMacros(text, {
      lookup: (n) => this.macros.get(n)?.value,
      env: this.o.host.env,
      submitDir: this.o.submitDir,
      random: this.o.random ?? Math.random,
      refuse: (construct, reason, hint) => refuse(line, construct, reason, hint),
      note: (message) => this.notes.add(name, line, message),
    });
  }

  private condition(s: Extract<SubmitStatement, { kind: "if" | "elif" }>, refuse: Refuse): boolean {
    return evaluateCondition(s.condition, (n) => this.macros.has(n), (t) => this.expandHere(t, this.file.name, s.line, refuse), s.line, refuse);
  }

  private include(s: Extract<SubmitStatement, { kind: "include" }>, name: string, path: string, depth: number, refuse: Refuse): void {
    if (depth >= MAX_INCLUDE_DEPTH) refuse(s.line, `include : ${s.target}`, `includes nest more than ${MAX_INCLUDE_DEPTH} deep`, "check for a file that includes itself.");
    const target = this.expandHere(s.target, name, s.line, refuse);
    const full = target.startsWith("/") ? target : `${dirName(path)}/${target}`;
    const text = this.o.host.readFile(full);
    if (text === undefined) refuse(s.line, `include : ${s.target}`, `${full} does not exist or cannot be read`, "check the file name; a relative name is read from the including file's directory.");
    this.walk(text, target, full, depth + 1);
  }

  private queue(s: Extract<SubmitStatement, { kind: "queue" }>, name: string, refuse: Refuse): void {
    this.queued = true;
    for (const v of this.o.append ?? []) this.macros.define(v.name, v.value, s.line);
    const args = this.expandHere(s.args, name, s.line, refuse);
    let jobs;
    try {
      jobs = queuedJobs(parseQueueStatement(args, s.line, s.block), this.o.host, this.o.submitDir);
    } catch (e) {
      if (!(e instanceof QueueSyntaxError)) throw e;
      return refuse(s.line, `queue ${args}`.trim(), e.message, e.hint);
    }
    const context: JobViewContext = { file: name, submitFile: this.file.path, submitDir: this.o.submitDir, env: this.o.host.env, random: this.o.random ?? Math.random, refuse, notes: this.notes };
    const inputs = this.jobInputs(refuse);
    jobs.forEach((job, i) => {
      const cluster = this.clusterFor(i === 0);
      const view = createJobView(this.macros, { cluster: cluster.number, process: cluster.jobs.length, step: job.step, itemIndex: job.itemIndex, row: job.row, variables: job.variables, queueLine: s.line }, context);
      if (i === 0) {
        checkUniverse(view);
        checkSubmitCommands(view, this.macros.entries().map(([k]) => k));
      }
      cluster.jobs.push(buildJob(view, inputs));
    });
  }

  private jobInputs(refuse: Refuse) {
    const flavourName = this.o.flavour;
    const size = flavourName === undefined ? undefined : lookupFlavour(flavourName, this.o.flavours);
    if (flavourName !== undefined && size === undefined) {
      refuse(0, `VM_FLAVOR ${flavourName}`, "this flavour is not known", "give a name of the form cN-Xgb-D (N cores, X GB RAM, D GB disk, e.g. c2-7.5gb-31) or one your site lists.");
    }
    return {
      submitDir: this.o.submitDir, arc: this.o.arc, env: this.o.host.env,
      ...(this.o.image !== undefined ? { image: this.o.image } : {}),
      ...(flavourName !== undefined && size ? { flavour: { name: flavourName, size } } : {}),
    };
  }

  /** The cluster the next job joins: a new one when the executable changed since the last queue statement. */
  private clusterFor(firstOfStatement: boolean): Cluster {
    const executable = this.macros.get("executable")?.value;
    const last = this.clusters[this.clusters.length - 1];
    if (last && !(firstOfStatement && last.executable !== executable)) return last;
    const batch = this.macros.get("batch_name")?.value;
    const base = nameFromText(batch ?? baseName(executable ?? "job").replace(/\.[^.]*$/, ""));
    const cluster: Cluster = { number: this.o.clusterNumber + this.clusters.length, executable, base, jobs: [] };
    this.clusters.push(cluster);
    return cluster;
  }
}

/** The set of one cluster: its sessions, named `base-<proc>` (just `base` for one job), with the cluster label. */
function clusterSet(c: Cluster, refuse: Refuse): PlannedSet {
  const first = c.jobs[0]!;
  const set = JSON.stringify(first.set);
  c.jobs.forEach((j, proc) => {
    if (JSON.stringify(j.set) === set) return;
    const key = (Object.keys(j.set) as (keyof typeof j.set)[]).find((k) => j.set[k] !== first.set[k]) ?? "maxRunning";
    refuse(j.setLines[key] ?? first.setLines[key] ?? 0, key === "notify" ? "notify_user" : "max_materialize", `job ${c.number}.${proc} asks for another ${key} than job ${c.number}.0, and skyrun applies one to the whole cluster`, "give all jobs of the cluster the same value.");
  });
  const sessions: SessionRequest[] = c.jobs.map((j, proc) => ({
    name: c.jobs.length === 1 ? c.base : withSuffix(c.base, proc),
    ...j.request,
    labels: { ...j.request.labels, "htcondor.cluster": String(c.number) },
  }));
  return { key: String(c.number), title: `cluster ${c.number}`, name: c.base, sessions, ...first.set, ...(first.eventLog !== undefined ? { eventLog: first.eventLog } : {}) };
}

/**
 * Translates an HTCondor submit description into sessions: one set per cluster (the
 * jobs between queue statements that share an executable), one session per job.
 * Pure apart from what `options.host` reads. Throws BatchFileError at the first line
 * that cannot be translated.
 */
export function translateSubmitFile(file: SubmitFile, options: SubmitOptions): BatchPlan {
  const walk = new SubmitWalk(file, options);
  walk.run();
  const refuse: Refuse = refuserFor(file.name);
  const sets = walk.clusters.filter((c) => c.jobs.length > 0).map((c) => clusterSet(c, refuse));
  for (const s of sets) if (s.eventLog !== undefined) walk.notes.add(file.name, walk.macros.get("log")?.line ?? 0, "log: skyrun does not write HTCondor's job event log yet; follow the jobs with skyrun ps, skyrun events and skyrun wait");
  return { kind: "htcondor", jobNumber: options.clusterNumber, sets, warnings: walk.notes.notes };
}
