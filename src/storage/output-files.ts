import { spawn } from "node:child_process";
import { createReadStream, existsSync, realpathSync } from "node:fs";
import { posix } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable, Transform } from "node:stream";
import type { Owner } from "../domain/job.js";
import { K8sFileDecoder } from "./k8s-file-decoder.js";

/** How the engine writes a job's log (see log-reader.ts). */
type LogFormat = "k8s-file" | "raw";

/** Where a session's output files go: paths relative to the /arc root (`home/u/run/out.txt`). */
export interface OutputTargets {
  readonly stdout: string | null;
  readonly stderr: string | null;
}

// `cd -P` resolves the path physically: a logical cd would re-walk it from `/`, through
// the data directory the user may not enter. The content goes to a new file beside the
// target (noclobber: a link planted under that name is refused, never followed), which
// then replaces the target in one rename: a reader sees the old file or the whole new
// one, never a part, and a link in the target's place is replaced, not followed.
const WRITE_SCRIPT = [
  'cd -P -- "$1" || exit 1',
  'case "$(pwd -P)/" in "$3"/*) ;; *) echo "$1 leads outside /arc" >&2; exit 1 ;; esac',
  'tmp=".$2.skyrun-$$"',
  "set -C",
  'cat > "$tmp" || { rm -f -- "$tmp"; exit 1; }',
  'mv -f -T -- "$tmp" "$2" || { rm -f -- "$tmp"; exit 1; }',
].join("\n");

/**
 * Writes one file as the job's user (their uid, gid and groups, no capabilities), so
 * the kernel decides whether they may, exactly as for the job itself: skyrun runs as
 * root and must never write where the user could not. The user's process starts in
 * the /arc root, as a job's view of /arc begins there, and walks to the file itself;
 * it refuses a directory that resolves outside /arc, and writes through no symbolic
 * link (see WRITE_SCRIPT), so no link leads it to the host.
 */
async function writeAsUser(arcRoot: string, target: string, owner: Owner, source: NodeJS.ReadableStream): Promise<void> {
  const groups = owner.groups.length > 0 ? `--groups=${owner.groups.join(",")}` : "--clear-groups";
  const dir = posix.dirname(target);
  const file = posix.basename(target);
  const child = spawn("setpriv", [`--reuid=${owner.uid}`, `--regid=${owner.gid}`, groups, "--inh-caps=-all", "--no-new-privs", "--", "/bin/sh", "-c", WRITE_SCRIPT, "sh", dir, file, realpathSync(arcRoot)], {
    cwd: arcRoot,
    stdio: ["pipe", "ignore", "pipe"],
    env: { PATH: "/usr/bin:/bin" },
  });
  let stderr = "";
  child.stderr.on("data", (b: Buffer) => { stderr += b.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  await pipeline(source, child.stdin).catch(() => undefined); // a refused write closes stdin early; the exit says why
  const code = await exited;
  if (code !== 0) throw new Error(stderr.trim().replace(/^sh: \d+: (cd: )?/, "") || `could not write /arc/${target}`);
}

/** The log's bytes, or only one stream's (Podman's k8s-file lines tell them apart; a raw log cannot). */
function logBytes(path: string, format: LogFormat, only?: "stdout" | "stderr"): NodeJS.ReadableStream {
  const file = createReadStream(path);
  if (format === "raw") return file;
  const decoder = new K8sFileDecoder(only);
  return file.pipe(new Transform({ transform: (chunk: Buffer, _enc, done) => done(null, decoder.push(chunk)) }));
}

/**
 * After a run ended: its stdout and stderr to the files the session named (HTCondor's
 * `output`/`error`, Slurm's `--output`/`--error`), as its user. The same path for both
 * gets both, in order; a raw log (Slurm's) holds both streams together, so it goes to
 * whichever path is given (both, when they differ).
 */
export async function writeOutputFiles(logPath: string, format: LogFormat, arcRoot: string, targets: OutputTargets, owner: Owner): Promise<void> {
  const missing = !existsSync(logPath);
  const source = (only?: "stdout" | "stderr") => (missing ? Readable.from([]) : logBytes(logPath, format, only));
  const { stdout, stderr } = targets;
  if (stdout && stdout === stderr) return writeAsUser(arcRoot, stdout, owner, source());
  if (stdout) await writeAsUser(arcRoot, stdout, owner, source(format === "k8s-file" ? "stdout" : undefined));
  if (stderr) await writeAsUser(arcRoot, stderr, owner, source(format === "k8s-file" ? "stderr" : undefined));
}
