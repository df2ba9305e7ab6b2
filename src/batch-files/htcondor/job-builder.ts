import { labelProblem, MAX_RETRIES, MAX_RUNNING_LIMIT, type SessionRequest, type SessionSetOptions } from "../../contracts/session-request.js";
import { evaluateArithmetic } from "./arithmetic.js";
import { jobEnvironment } from "./job-environment.js";
import { resolveJobPaths, type PathInputs } from "./job-paths.js";
import { jobResources } from "./job-resources.js";
import type { JobValue, JobView } from "./job-view.js";
import { parseArguments, QuotingError } from "./quoting-syntax.js";
import type { VmFlavour } from "./vm-flavours.js";

/** What one job needs besides its submit file. */
export interface JobInputs extends PathInputs {
  /** canfar_submit's VM_IMAGE: the container image, before any in the file. */
  readonly image?: string;
  /** canfar_submit's VM_FLAVOR, looked up. */
  readonly flavour?: { readonly name: string; readonly size: VmFlavour };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** One job as a session request (without its name), the set-wide options it asks for, and its event log. */
export interface BuiltJob {
  readonly request: Omit<SessionRequest, "name">;
  readonly set: SessionSetOptions;
  /** The lines that set each set-wide option, to name them when two jobs of one set disagree. */
  readonly setLines: Readonly<Partial<Record<keyof SessionSetOptions, number>>>;
  readonly eventLog?: string;
}

const UNIVERSES: Readonly<Record<string, string>> = {
  standard: "the standard universe (checkpointing, remote system calls) was removed from HTCondor itself",
  scheduler: "scheduler universe jobs run on the submitting machine; skyrun runs jobs only in sessions",
  local: "local universe jobs run on the submitting machine; skyrun runs jobs only in sessions",
  grid: "the grid universe forwards jobs to another batch system; skyrun runs them itself",
  java: "the java universe is not translated",
  vm: "VM universe jobs boot a virtual machine; skyrun runs containers",
  parallel: "parallel universe jobs span several machines; a skyrun session is one container",
};

/** Refuses the universes a container session cannot be. */
export function checkUniverse(job: JobView): void {
  const universe = job.value("universe");
  const u = (universe?.text ?? "vanilla").toLowerCase();
  if (universe && u !== "vanilla" && u !== "docker" && u !== "container") {
    job.refuse(universe.line, `${universe.name} = ${universe.text}`, UNIVERSES[u] ?? "this universe is not known", "use universe = vanilla (the default), docker or container; the image is VM_IMAGE.");
  }
}

function image(job: JobView, inputs: JobInputs): string {
  checkUniverse(job);
  const fromFile = job.value("container_image") ?? job.value("docker_image");
  const chosen = inputs.image ?? fromFile?.text;
  if (chosen === undefined || chosen === "") return job.refuse(0, "VM_IMAGE", "no container image is named", "give it after the submit file (skyrun submit JOB_FILE IMAGE [FLAVOR]) or as container_image in the file.");
  return chosen;
}

function argv(job: JobView): string[] {
  const v = job.value("arguments");
  if (!v) return [];
  try {
    return parseArguments(v.text);
  } catch (e) {
    if (!(e instanceof QuotingError)) throw e;
    return job.refuse(v.line, `${v.name} = ${v.text}`, e.message, "write \"one 'two with spaces' three\" (new syntax) or one two three (old syntax).");
  }
}

function wholeNumber(job: JobView, v: JobValue, min: number, max: number, what: string): number {
  const n = evaluateArithmetic(v.text);
  if (n === undefined || !Number.isInteger(n) || n < min || n > max) job.refuse(v.line, `${v.name} = ${v.text}`, `skyrun takes ${what} from ${min} to ${max}`, `give a whole number from ${min} to ${max}.`);
  return n;
}

/** A ClassAd literal as label text: a quoted string unquoted, anything else as written. */
const classAdText = (text: string): string => (/^".*"$/s.test(text) ? text.slice(1, -1).replace(/\\(["\\])/g, "$1") : text);

function labels(job: JobView): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of job.attributes()) {
    const key = a.name.toLowerCase();
    const value = classAdText(a.text);
    const problem = labelProblem(key, value);
    if (problem !== undefined) job.refuse(a.line, `+${a.name} = ${a.text}`, `it becomes a skyrun label, and ${problem}`, "shorten the value or the attribute name.");
    out[key] = value;
  }
  return out;
}

function notify(job: JobView): string | undefined {
  const when = job.value("notification");
  const who = job.value("notify_user");
  const mode = (when?.text ?? "never").toLowerCase();
  if (!["always", "complete", "error", "never"].includes(mode)) job.refuse(when!.line, `${when!.name} = ${when!.text}`, "notification is Always, Complete, Error or Never", "give one of those.");
  if (mode === "never") {
    if (who) job.note(who.line, `${who.name}: no notification is sent, as notification is Never (HTCondor's default)`);
    return undefined;
  }
  if (!who || who.text === "") {
    job.note(when!.line, `${when!.name}: no notify_user is given, and skyrun does not know your e-mail address; no notification is sent`);
    return undefined;
  }
  if (mode === "error") job.note(when!.line, `${when!.name}: skyrun notifies when the jobs end, failed or not; the notification says how they ended`);
  return /^https?:\/\//i.test(who.text) ? who.text : `mailto:${who.text.replace(/^mailto:/i, "")}`;
}

function setOptions(job: JobView): { set: SessionSetOptions; setLines: BuiltJob["setLines"] } {
  const materialize = job.value("max_materialize");
  const idle = job.value("max_idle");
  if (idle) job.note(idle.line, `${idle.name}: HTCondor limits idle jobs; skyrun limits how many of these jobs run at once`);
  const limits = [materialize, idle].filter((v): v is JobValue => v !== undefined).map((v) => ({ v, n: wholeNumber(job, v, 1, MAX_RUNNING_LIMIT, "a limit") }));
  const tightest = limits.sort((a, b) => a.n - b.n)[0];
  const url = notify(job);
  const notifyLine = job.value("notify_user")?.line;
  return {
    set: { ...(tightest ? { maxRunning: tightest.n } : {}), ...(url !== undefined ? { notify: url } : {}) },
    setLines: { ...(tightest ? { maxRunning: tightest.v.line } : {}), ...(url !== undefined && notifyLine !== undefined ? { notify: notifyLine } : {}) },
  };
}

/** Translates one queued job. Throws BatchFileError (via `job.refuse`) on what cannot be translated. */
export function buildJob(job: JobView, inputs: JobInputs): BuiltJob {
  const paths = resolveJobPaths(job, inputs);
  const env = jobEnvironment(job, inputs.env);
  const retries = job.value("max_retries");
  const duration = job.value("allowed_job_duration") ?? job.value("allowed_execute_duration");
  const jobLabels = labels(job);
  const request: Omit<SessionRequest, "name"> = {
    image: image(job, inputs),
    ...jobResources(job, inputs.flavour),
    cmd: [paths.program],
    args: argv(job),
    ...(Object.keys(env).length > 0 ? { env } : {}),
    ...(Object.keys(jobLabels).length > 0 ? { labels: jobLabels } : {}),
    ...(retries ? { retries: wholeNumber(job, retries, 0, MAX_RETRIES, "retries") } : {}),
    ...(duration ? { walltime: wholeNumber(job, duration, 1, Number.MAX_SAFE_INTEGER, "a duration in seconds") } : {}),
    ...(paths.workdir !== undefined ? { workdir: paths.workdir } : {}),
    ...(paths.stdout !== undefined ? { stdout: paths.stdout } : {}),
    ...(paths.stderr !== undefined ? { stderr: paths.stderr } : {}),
  };
  return { request, ...setOptions(job), ...(paths.eventLog !== undefined ? { eventLog: paths.eventLog } : {}) };
}
