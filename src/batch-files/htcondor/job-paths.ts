import { isSessionWorkdir, toArcPath, type ArcMount } from "../arc-paths.js";
import { baseName, dirName, normalizePath, resolvePath } from "../posix-path.js";
import type { JobValue, JobView } from "./job-view.js";

/**
 * Where a job's files are, as its session sees them. HTCondor reads and writes files on
 * the submitting machine; on the platform that machine and every session share /arc,
 * so a file the submit file names is used where it is, under its /arc path:
 * - `executable`: relative to the directory condor_submit runs in; a path outside /arc
 *   is taken as a program inside the image (so is any path with
 *   `transfer_executable = false`);
 * - `initialdir` (default: the submitting directory): the job's working directory;
 * - `output`, `error`, `log`, `transfer_input_files`: relative to initialdir.
 * Nothing is copied: `transfer_input_files` must already be on /arc, and outputs stay
 * where the job writes them.
 */
export interface JobPaths {
  /** The program, as the session sees it. */
  readonly program: string;
  /** The working directory on /arc; undefined: the server's default (the user's home). */
  readonly workdir?: string;
  readonly stdout?: string;
  readonly stderr?: string;
  /** The job event log's path on /arc. */
  readonly eventLog?: string;
}

export interface PathInputs {
  /** Absolute local directory the submission is made from (HTCondor: condor_submit's working directory). */
  readonly submitDir: string;
  readonly arc: ArcMount;
}

const isNone = (v: JobValue | undefined): boolean => v === undefined || v.text === "" || v.text === "/dev/null";

/** The job's initial directory: locally, on /arc (if it is there), and whether the file set it. */
function initialDir(job: JobView, inputs: PathInputs): { local: string; arc?: string; value?: JobValue } {
  const v = job.value("initialdir");
  const local = v ? resolvePath(inputs.submitDir, v.text) : normalizePath(inputs.submitDir);
  const arc = toArcPath(inputs.arc, local);
  if (v && arc === undefined) job.refuse(v.line, `${v.name} = ${v.text}`, `${local} is not on /arc, and sessions see only /arc`, "give a directory under /arc/home/<you> or /arc/projects/<group>.");
  if (v && arc !== undefined && !isSessionWorkdir(arc)) job.refuse(v.line, `${v.name} = ${v.text}`, `${arc} is not under /arc/home/<user> or /arc/projects/<group>, where sessions work`, "give a directory under your home or a project on /arc.");
  return { local, ...(arc !== undefined ? { arc } : {}), ...(v ? { value: v } : {}) };
}

/** A file path of the job (output, error, log) as the session sees it: under /arc/home or /arc/projects. */
function arcFile(job: JobView, v: JobValue, dir: { local: string; arc?: string }, inputs: PathInputs): string {
  const local = resolvePath(dir.local, v.text);
  const arc = toArcPath(inputs.arc, local);
  if (arc === undefined) {
    const why = v.text.startsWith("/") ? `${local} is not on /arc` : `${v.text} is relative to ${dir.local}, which is not on /arc`;
    job.refuse(v.line, `${v.name} = ${v.text}`, `${why}, and sessions see only /arc`, "submit from a directory under /arc (or the directory --arc-mount names), or set initialdir to one.");
  }
  if (!isSessionWorkdir(arc)) job.refuse(v.line, `${v.name} = ${v.text}`, `${arc} is not under /arc/home/<user> or /arc/projects/<group>, where sessions may write`, "write it under your home or a project on /arc.");
  return arc;
}

function program(job: JobView, inputs: PathInputs): string {
  const v = job.value("executable");
  if (!v || v.text === "") return job.refuse(0, "executable", "the submit file names no executable", "add executable = <program or script>.");
  const transfer = job.value("transfer_executable");
  if (transfer && /^(false|no|0)$/i.test(transfer.text)) return v.text;
  if (v.text.startsWith("/")) return toArcPath(inputs.arc, v.text) ?? v.text;
  // condor_submit reads a relative executable from its own directory, not initialdir.
  const local = resolvePath(inputs.submitDir, v.text);
  const arc = toArcPath(inputs.arc, local);
  if (arc === undefined) {
    job.refuse(v.line, `${v.name} = ${v.text}`, `${local} is not on /arc, and the job runs in a container that sees only /arc`, "put it under /arc (or submit from there), or set transfer_executable = false to run a program inside the image.");
  }
  return arc;
}

/** Notes where HTCondor's file transfer would have put files somewhere else than the shared /arc leaves them. */
function checkTransfers(job: JobView, dir: { local: string }, inputs: PathInputs): void {
  const inputsValue = job.value("transfer_input_files");
  for (const entry of (inputsValue?.text ?? "").split(",").map((e) => e.trim()).filter((e) => e !== "")) {
    const v = inputsValue!;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) job.refuse(v.line, `${v.name} = ${v.text}`, `${entry} is fetched by an HTCondor transfer plugin, which skyrun does not have`, "copy the file onto /arc first and name that copy.");
    const local = resolvePath(dir.local, entry);
    const arc = toArcPath(inputs.arc, local);
    if (arc === undefined) job.refuse(v.line, `${v.name} = ${v.text}`, `${local} is not on /arc: nothing is copied into a skyrun session, it sees only /arc`, "put the file under /arc, next to the job.");
    if (entry.endsWith("/") || dirName(local) !== normalizePath(dir.local)) {
      job.note(v.line, `${v.name}: ${entry} is not copied into the job's directory as HTCondor would; the job finds it at ${arc}`);
    }
  }
  const outputs = job.value("transfer_output_files");
  for (const entry of (outputs?.text ?? "").split(",").map((e) => e.trim()).filter((e) => e.includes("/"))) {
    job.note(outputs!.line, `${outputs!.name}: ${entry} stays where the job writes it; HTCondor would bring it back as ${baseName(entry)}`);
  }
}

/** The job's program and files as its session sees them; refuses paths that are not on /arc. */
export function resolveJobPaths(job: JobView, inputs: PathInputs): JobPaths {
  const dir = initialDir(job, inputs);
  const output = job.value("output");
  const error = job.value("error");
  const log = job.value("log");
  checkTransfers(job, dir, inputs);
  const workdir = dir.arc !== undefined && isSessionWorkdir(dir.arc) ? dir.arc : undefined;
  return {
    program: program(job, inputs),
    ...(workdir !== undefined ? { workdir } : {}),
    ...(!isNone(output) ? { stdout: arcFile(job, output!, dir, inputs) } : {}),
    ...(!isNone(error) ? { stderr: arcFile(job, error!, dir, inputs) } : {}),
    ...(!isNone(log) ? { eventLog: arcFile(job, log!, dir, inputs) } : {}),
  };
}
