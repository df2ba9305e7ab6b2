import { MAX_RUNNING_LIMIT, type SessionRequest } from "../../contracts/session-request.js";
import { isSessionWorkdir, toArcPath, type ArcMount } from "../arc-paths.js";
import { refuserFor, type Refuse } from "../batch-file-error.js";
import { NoteList, type BatchPlan } from "../plan.js";
import { baseName, normalizePath, resolvePath } from "../posix-path.js";
import { nameFromText, withSuffix } from "../session-names.js";
import type { SubmitHost } from "../submit-host.js";
import { checkSbatchOptions } from "./sbatch-dispositions.js";
import { parseOptionWords, type GivenOption } from "./sbatch-options.js";
import { readSbatchScript, type SbatchScript } from "./sbatch-script.js";
import { sbatchEnvironment, sbatchNotify, sbatchOutputs, sbatchResources } from "./sbatch-job-parts.js";
import { parseAfterOk, parseArraySpec, parseSlurmTime, type ArraySpec } from "./sbatch-values.js";

/** A batch script and where it is. */
export interface SbatchFile {
  readonly text: string;
  readonly name: string;
  /** Absolute local path. */
  readonly path: string;
}

export interface SbatchOptions {
  readonly host: SubmitHost;
  /** Absolute local directory sbatch would run in (SLURM_SUBMIT_DIR, the default --chdir). */
  readonly submitDir: string;
  readonly arc: ArcMount;
  /** The job id skyrun prints and the job sees (%j, %A, SLURM_JOB_ID). */
  readonly jobNumber: number;
  /** The container image, before any --container-image in the script. */
  readonly image?: string;
  /** sbatch options given on the command line: they win over the script's. */
  readonly commandLine?: readonly string[];
  /** Arguments after the script, as sbatch passes them to it. */
  readonly scriptArgs?: readonly string[];
  /** %u; from the submitter's USER when not given. */
  readonly user?: string;
}

/** Shells and interpreters that run a script given as text with `-c`. */
const INTERPRETERS = /^(sh|bash|dash|zsh|ksh|mksh|ash|python[0-9.]*)$/;

/** The program and its first arguments for the interpreter line, `/usr/bin/env` kept as written. */
function interpreterArgv(script: SbatchScript, refuse: Refuse): string[] {
  const words = [...script.interpreter];
  const program = baseName(words[0] ?? "") === "env" ? words.find((w, i) => i > 0 && !w.startsWith("-")) : words[0];
  if (program === undefined || !INTERPRETERS.test(baseName(program))) {
    refuse(1, `#!${script.interpreter.join(" ")}`, "skyrun runs the script's text with its interpreter's -c, which only shells and Python take", "write the script for sh, bash (or another shell) or Python.");
  }
  return words.filter((w) => w !== "-S");
}

/** Every option in effect: the script's directives in order, then the command line's; the last of a name wins. */
function optionsInEffect(script: SbatchScript, o: SbatchOptions, refuse: Refuse): Map<string, GivenOption> {
  const given = [
    ...script.directives.flatMap((d) => parseOptionWords(d.words, d.line, refuse)),
    ...parseOptionWords(o.commandLine ?? [], 0, refuse),
  ];
  return new Map(given.map((g) => [g.name, g] as const));
}

function oneOf(options: Map<string, GivenOption>, name: string, refuse: Refuse, reason: string, hint: string): void {
  const g = options.get(name);
  if (g && !/^1(-1)?$/.test(g.value ?? "")) refuse(g.line, g.written, reason, hint);
}

function arrayOf(options: Map<string, GivenOption>, refuse: Refuse): ArraySpec | undefined {
  const g = options.get("array");
  if (!g) return undefined;
  const spec = parseArraySpec(g.value!, MAX_RUNNING_LIMIT);
  if (!spec) refuse(g.line, g.written, `this is not an array of at most ${MAX_RUNNING_LIMIT} tasks`, "write --array=0-99, --array=1,3,5-7, --array=0-15:4 or --array=0-99%10.");
  if (spec.maxRunning !== undefined && spec.maxRunning > MAX_RUNNING_LIMIT) refuse(g.line, g.written, `skyrun limits at most ${MAX_RUNNING_LIMIT} at once`, `give %K of at most ${MAX_RUNNING_LIMIT}.`);
  return spec;
}

function walltime(options: Map<string, GivenOption>, refuse: Refuse): number | undefined {
  const g = options.get("time");
  if (!g) return undefined;
  const seconds = parseSlurmTime(g.value!);
  if (seconds === undefined) refuse(g.line, g.written, "this is not a Slurm time", "write minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS.");
  return seconds ?? undefined;
}

function afterJobs(options: Map<string, GivenOption>, refuse: Refuse): string[] {
  const g = options.get("dependency");
  if (!g) return [];
  const jobs = parseAfterOk(g.value!);
  if (!jobs) refuse(g.line, g.written, "skyrun waits only for jobs to succeed (afterok, all of them)", "write --dependency=afterok:JOBID[:JOBID…]; start other orderings yourself after skyrun wait.");
  return jobs;
}

/** Notes the commands of the body that a container image rarely has. */
function noteBody(script: SbatchScript, file: string, notes: NoteList): void {
  const srun = script.body.find((l) => /^\s*(srun|mpirun|mpiexec)\b/.test(l.text));
  if (srun) notes.add(file, srun.line, `${srun.text.trim().split(/\s+/)[0]!}: a skyrun job is one container with no Slurm inside; run the program directly`);
  const module = script.body.find((l) => /^\s*module\s+(load|add|use|purge|restore)\b/.test(l.text));
  if (module) notes.add(file, module.line, "module: environment modules exist in an image only if it provides them; use an image that has the software");
}

/**
 * Translates a Slurm batch script into sessions: one (or one per array task) that runs
 * the script's text with its interpreter in the image, with the `#SBATCH` resources,
 * deadline, output files, environment and `SLURM_*` variables; the command line's
 * options win over the script's. Throws BatchFileError at what cannot be translated.
 */
export function translateSbatchScript(file: SbatchFile, o: SbatchOptions): BatchPlan {
  const refuse: Refuse = refuserFor(file.name);
  const notes = new NoteList();
  const script = readSbatchScript(file.text, refuse);
  const argv = interpreterArgv(script, refuse);
  const options = optionsInEffect(script, o, refuse);
  checkSbatchOptions([...options.values()], file.name, refuse, notes);
  oneOf(options, "nodes", refuse, "a skyrun job runs on one machine", "ask for one node, and more cores with --cpus-per-task.");
  oneOf(options, "ntasks", refuse, "a skyrun job is one task (there is no srun to start more)", "run one task with --cpus-per-task cores, or submit an array.");
  oneOf(options, "ntasks-per-node", refuse, "a skyrun job is one task", "run one task with --cpus-per-task cores.");
  const input = options.get("input");
  if (input && input.value !== "/dev/null") refuse(input.line, input.written, "skyrun sessions have no standard input", "open the file in the script.");
  const named = o.image ?? options.get("container-image")?.value;
  if (named === undefined || named === "") refuse(0, "IMAGE", "no container image is named", "give it after the script: skyrun sbatch SCRIPT IMAGE (or #SBATCH --container-image=IMAGE).");
  const image = named;
  noteBody(script, file.name, notes);

  const jobName = options.get("job-name")?.value ?? baseName(file.name);
  const chdir = options.get("chdir");
  const localDir = chdir ? resolvePath(o.submitDir, chdir.value!) : normalizePath(o.submitDir);
  const arcDir = toArcPath(o.arc, localDir);
  if (chdir && (arcDir === undefined || !isSessionWorkdir(arcDir))) refuse(chdir.line, chdir.written, `${localDir} is not under /arc/home/<user> or /arc/projects/<group>, where sessions work`, "give a directory on /arc.");
  const workdir = arcDir !== undefined && isSessionWorkdir(arcDir) ? arcDir : undefined;
  const array = arrayOf(options, refuse);
  const resources = sbatchResources(options, refuse);
  const limit = walltime(options, refuse);
  const scriptArc = toArcPath(o.arc, file.path);
  const base = nameFromText(jobName);
  const user = o.user ?? o.host.env.USER;
  const tasks = array ? array.indexes : [undefined];

  const sessions: SessionRequest[] = tasks.map((index, k) => {
    const jobId = o.jobNumber + k;
    const files = sbatchOutputs(options, { jobId, arrayJobId: o.jobNumber, jobName, ...(index !== undefined ? { arrayIndex: index } : {}), ...(user !== undefined ? { user } : {}) }, { localDir, arc: o.arc, ...(workdir !== undefined ? { workdir } : {}) }, refuse);
    const env = sbatchEnvironment(options, o.host.env, { jobId, arrayJobId: o.jobNumber, jobName, submitDir: toArcPath(o.arc, o.submitDir) ?? o.submitDir, resources, ...(array && index !== undefined ? { array, index } : {}) }, refuse, notes, file.name);
    return {
      name: index === undefined ? base : withSuffix(base, index),
      image,
      ...resources.session,
      cmd: [argv[0]!],
      args: [...argv.slice(1), "-c", file.text, scriptArc ?? baseName(file.name), ...(o.scriptArgs ?? [])],
      env,
      labels: { "slurm.job": String(o.jobNumber), ...(index !== undefined ? { "slurm.array-task": String(index) } : {}) },
      ...(limit !== undefined ? { walltime: limit } : {}),
      ...(workdir !== undefined ? { workdir } : {}),
      ...files,
    };
  });
  const notify = sbatchNotify(options, notes, file.name);
  const jobs = afterJobs(options, refuse);
  return {
    kind: "slurm", jobNumber: o.jobNumber, warnings: notes.notes,
    sets: [{
      key: String(o.jobNumber), title: array ? `array job ${o.jobNumber}` : `job ${o.jobNumber}`, name: base, sessions,
      ...(array?.maxRunning !== undefined ? { maxRunning: array.maxRunning } : {}),
      ...(notify !== undefined ? { notify } : {}),
      ...(jobs.length > 0 ? { afterJobs: jobs } : {}),
    }],
  };
}
