import { isSessionWorkdir, toArcPath, type ArcMount } from "../arc-paths.js";
import type { Refuse } from "../batch-file-error.js";
import { selectEnvironment } from "../environment-import.js";
import type { NoteList } from "../plan.js";
import { resolvePath } from "../posix-path.js";
import { expandFilenamePattern, PatternError, type PatternValues } from "./filename-pattern.js";
import type { GivenOption } from "./sbatch-options.js";
import { parseGpuCount, parseSlurmSizeGB, type ArraySpec } from "./sbatch-values.js";

type Options = ReadonlyMap<string, GivenOption>;

/** A job's size from sbatch's options, and the numbers Slurm puts in the job's environment. */
export interface SbatchResources {
  readonly session: { readonly cores?: number; readonly ram?: number; readonly gpus?: number; readonly disk?: number };
  /** SLURM_MEM_PER_NODE, in MB. */
  readonly memoryMB?: number;
}

function gpus(options: Options, refuse: Refuse): number | undefined {
  let count: number | undefined;
  for (const [name, form] of [["gres", "gres"], ["gpus", "gpus"], ["gpus-per-node", "gpus"], ["gpus-per-task", "gpus"]] as const) {
    const g = options.get(name);
    if (!g) continue;
    const n = parseGpuCount(g.value!, form);
    if (n === undefined) refuse(g.line, g.written, form === "gres" ? "skyrun's only generic resource is gpu" : "this is not a number of GPUs", form === "gres" ? "write --gres=gpu:N." : "write --gpus=N.");
    count = n;
  }
  return count;
}

function size(options: Options, name: string, refuse: Refuse): number | undefined {
  const g = options.get(name);
  if (!g) return undefined;
  const gb = parseSlurmSizeGB(g.value!);
  if (gb === undefined) refuse(g.line, g.written, "this is not a size", `write --${name}=4G (K, M, G or T; megabytes without a unit).`);
  return gb;
}

/** Cores from --cpus-per-task, RAM from --mem (or per CPU or GPU), GPUs from --gres/--gpus, disk from --tmp. */
export function sbatchResources(options: Options, refuse: Refuse): SbatchResources {
  const c = options.get("cpus-per-task");
  const cores = c ? Number(c.value) : undefined;
  if (c && !(Number.isInteger(cores) && cores! > 0)) refuse(c.line, c.written, "a number of cores is a whole number above 0", "write --cpus-per-task=4.");
  const gpuCount = gpus(options, refuse);
  let ram = size(options, "mem", refuse);
  if (ram === 0) ram = undefined;
  const perCpu = size(options, "mem-per-cpu", refuse);
  const perGpu = size(options, "mem-per-gpu", refuse);
  if (ram === undefined && perCpu !== undefined) ram = Math.round(perCpu * (cores ?? 1) * 1000) / 1000;
  if (ram === undefined && perGpu !== undefined) ram = Math.round(perGpu * (gpuCount ?? 1) * 1000) / 1000;
  const disk = size(options, "tmp", refuse);
  return {
    session: { ...(cores !== undefined ? { cores } : {}), ...(ram !== undefined ? { ram } : {}), ...(gpuCount ? { gpus: gpuCount } : {}), ...(disk ? { disk } : {}) },
    ...(ram !== undefined ? { memoryMB: Math.round(ram * 1024) } : {}),
  };
}

/** stdout and stderr as the session writes them: --output and --error (default slurm-%j.out, or slurm-%A_%a.out for an array), both to one file unless --error. */
export function sbatchOutputs(options: Options, values: PatternValues, dir: { localDir: string; arc: ArcMount; workdir?: string }, refuse: Refuse): { stdout?: string; stderr?: string } {
  const output = options.get("output");
  const error = options.get("error");
  const fallback = values.arrayIndex === undefined ? "slurm-%j.out" : "slurm-%A_%a.out";
  const place = (pattern: string, g: GivenOption | undefined): string | undefined => {
    let path: string;
    try {
      path = expandFilenamePattern(pattern, values);
    } catch (e) {
      if (!(e instanceof PatternError)) throw e;
      return refuse(g?.line ?? 0, g?.written ?? pattern, e.message, "use %j, %A, %a, %x or %u.");
    }
    if (path === "/dev/null") return undefined;
    const local = resolvePath(dir.localDir, path);
    const arc = toArcPath(dir.arc, local);
    if (arc === undefined || !isSessionWorkdir(arc)) {
      refuse(g?.line ?? 0, g?.written ?? `the output file ${pattern}`, `${local} is not under /arc/home/<user> or /arc/projects/<group>, where sessions write`, "submit from a directory on /arc, or give --chdir, --output and --error on /arc.");
    }
    return arc;
  };
  const stdout = place(output?.value ?? fallback, output);
  const stderr = error ? place(error.value!, error) : stdout;
  return { ...(stdout !== undefined ? { stdout } : {}), ...(stderr !== undefined ? { stderr } : {}) };
}

/** What Slurm tells a batch job about itself, for one job or array task. */
export interface SlurmJobFacts {
  readonly jobId: number;
  readonly arrayJobId: number;
  readonly jobName: string;
  readonly submitDir: string;
  readonly resources: SbatchResources;
  readonly array?: ArraySpec;
  readonly index?: number;
}

function slurmVariables(f: SlurmJobFacts): Record<string, string> {
  const v: Record<string, string> = {
    SLURM_JOB_ID: String(f.jobId), SLURM_JOBID: String(f.jobId), SLURM_JOB_NAME: f.jobName, SLURM_SUBMIT_DIR: f.submitDir,
    SLURM_CLUSTER_NAME: "skyrun", SLURM_NTASKS: "1", SLURM_NPROCS: "1", SLURM_NNODES: "1", SLURM_JOB_NUM_NODES: "1",
  };
  const cores = f.resources.session.cores;
  if (cores !== undefined) Object.assign(v, { SLURM_CPUS_PER_TASK: String(cores), SLURM_CPUS_ON_NODE: String(cores) });
  if (f.resources.memoryMB !== undefined) v.SLURM_MEM_PER_NODE = String(f.resources.memoryMB);
  if (f.resources.session.gpus !== undefined) v.SLURM_GPUS_ON_NODE = String(f.resources.session.gpus);
  if (f.array && f.index !== undefined) {
    Object.assign(v, {
      SLURM_ARRAY_JOB_ID: String(f.arrayJobId), SLURM_ARRAY_TASK_ID: String(f.index), SLURM_ARRAY_TASK_COUNT: String(f.array.indexes.length),
      SLURM_ARRAY_TASK_MIN: String(f.array.indexes[0]), SLURM_ARRAY_TASK_MAX: String(f.array.indexes[f.array.indexes.length - 1]), SLURM_ARRAY_TASK_STEP: String(f.array.step),
    });
  }
  return v;
}

const SERVER_SET = /^(HOME|PWD|skaha_hostname|skaha_username|skaha_sessionid|SKAHA_SESSION_ID)$/;

/**
 * The job's environment: what --export selects (ALL by default, without skyrun's
 * credentials or the machine-specific PATH and friends; NONE; or names and
 * NAME=value), then the SLURM_* variables of this job.
 */
export function sbatchEnvironment(options: Options, hostEnv: Readonly<Record<string, string | undefined>>, facts: SlurmJobFacts, refuse: Refuse, notes: NoteList, file: string): Record<string, string> {
  const g = options.get("export");
  const entries = (g?.value ?? "ALL").split(",").map((e) => e.trim()).filter((e) => e !== "");
  const all = entries.some((e) => e.toUpperCase() === "ALL");
  const none = entries.some((e) => /^(NONE|NIL)$/i.test(e));
  const named = entries.filter((e) => !/^(ALL|NONE|NIL)$/i.test(e));
  const explicit: Record<string, string> = {};
  for (const e of named) {
    const eq = e.indexOf("=");
    const name = eq < 0 ? e : e.slice(0, eq);
    if (SERVER_SET.test(name)) refuse(g!.line, g!.written, `${name} is set by skyrun for every session`, `leave ${name} out.`);
    if (eq >= 0) explicit[name] = e.slice(eq + 1);
  }
  const { copied, skipped } = selectEnvironment(hostEnv, { all: all || (!none && !g), include: named.filter((e) => !e.includes("=")), exclude: ["SLURM_*"] });
  if (skipped.length > 0 && g) notes.add(file, g.line, `--export: not copied (skyrun sets them, they hold skyrun's credentials, or the server cannot take their names): ${skipped.join(", ")}`);
  // Slurm documents that with ALL the submitting environment wins over values given here.
  const env: Record<string, string> = all ? { ...explicit, ...Object.fromEntries(copied) } : { ...Object.fromEntries(copied), ...explicit };
  return { ...env, ...slurmVariables(facts) };
}

/** --mail-type and --mail-user as the set's notify URL. */
export function sbatchNotify(options: Options, notes: NoteList, file: string): string | undefined {
  const type = options.get("mail-type");
  const user = options.get("mail-user");
  const types = (type?.value ?? "NONE").toUpperCase().split(",").map((t) => t.trim());
  if (types.includes("NONE") || !type) return undefined;
  if (!user || user.value === "") {
    notes.add(file, type.line, "--mail-type: no --mail-user is given, and skyrun does not know your e-mail address; no notification is sent");
    return undefined;
  }
  if (!types.some((t) => /^(END|FAIL|ALL|TIME_LIMIT.*|REQUEUE|INVALID_DEPEND)$/.test(t))) notes.add(file, type.line, "--mail-type: skyrun notifies once, when the job ends");
  if (types.includes("ARRAY_TASKS")) notes.add(file, type.line, "--mail-type: an array is notified once, when all its tasks have ended");
  return /^https?:\/\//i.test(user.value!) ? user.value! : `mailto:${user.value!}`;
}
