import type { TesExecutor, TesInput, TesOutput, TesTask } from "../contracts/tes-task.js";
import { invalid } from "../domain/errors.js";
import { EXEC_LIMITS } from "../domain/exec-limits.js";
import { arcPathOfUrl } from "./parse-tes-task.js";

/**
 * The shell script one executor's job runs (`/bin/sh -c <script>`), inside the user's
 * own container, as the user: so every input read and output written is one the
 * kernel lets that user make, and only /arc (the user's view of it) is there to reach.
 *
 *   1. volumes are created; inputs are placed at their paths (the first executor places
 *      all; later ones again place those outside /arc, which live in each container);
 *   2. the executor's command runs in its workdir, with its stdin/stdout/stderr files;
 *   3. its exit code is reported; a failure stops the chain unless `ignore_error`;
 *   4. after the last executor, outputs are copied to their file:// targets on /arc.
 *
 * The script reports to the job's log in lines starting with {@link MARKER} (parsed by
 * log-markers.ts): `exit <code>`, `output\t<size>\t<path>\t<url>`, `system <message>`.
 * A failure of skyrun's own steps exits with {@link SYSTEM_EXIT_CODE}.
 */
export const MARKER = "##skyrun-tes";
export const SYSTEM_EXIT_CODE = 97;
/** The script is one argument of the container's command: the kernel's limit for one string, less room. */
export const MAX_SCRIPT_BYTES = EXEC_LIMITS.stringBytes - 4096;

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
/** A path pattern for the shell: its wildcards active, every other character literal. */
const globOf = (s: string): string => s.replace(/[^A-Za-z0-9/._*?[\]-]/g, (c) => `\\${c}`);
const onArc = (p: string): boolean => p === "/arc" || p.startsWith("/arc/");

const PRELUDE = [
  `M=${q(MARKER)}`,
  `fail() { printf '%s system %s\\n' "$M" "$*" >&2; exit ${SYSTEM_EXIT_CODE}; }`,
  // Prints each file under $1 (or $1 itself) as an output line: size, container path, URL.
  `report() { if [ -d "$1" ]; then find "$1" -type f | while IFS= read -r f; do r=\${f#"$1"}; printf '%s output\\t%s\\t%s\\t%s\\n' "$M" "$(wc -c < "$f" | tr -d ' ')" "$2$r" "$3$r" >&2; done; else printf '%s output\\t%s\\t%s\\t%s\\n' "$M" "$(wc -c < "$1" | tr -d ' ')" "$2" "$3" >&2; fi; }`,
  // Copies $1 (file or directory) to $2 as the user, creating $2's directory.
  // Engines that keep their work directory on /arc (Nextflow) name a file as its own input or output: it is in place already.
  `place() { [ "$1" = "$2" ] && return 0; mkdir -p -- "$(dirname -- "$2")" || fail "cannot create the directory of $2"; if [ -d "$1" ]; then mkdir -p -- "$2" && e=$(cp -R -- "$1/." "$2/" 2>&1) || fail "cannot copy $1 to $2: $e"; else e=$(cp -- "$1" "$2" 2>&1) || fail "cannot copy $1 to $2: $e"; fi; }`,
];

function stageInput(input: TesInput, i: number): string[] {
  const dir = `mkdir -p -- "$(dirname -- ${q(input.path)})" || fail ${q(`cannot create the directory of inputs[${i}].path ${input.path}`)}`;
  if (input.content !== undefined) return [dir, `printf '%s' ${q(input.content)} > ${q(input.path)} || fail ${q(`cannot write inputs[${i}] to ${input.path}`)}`];
  const url = input.url!;
  if (/^https?:\/\//i.test(url)) {
    return [dir, `{ command -v curl >/dev/null && curl -fsSL -o ${q(input.path)} -- ${q(url)}; } || { command -v wget >/dev/null && wget -q -O ${q(input.path)} -- ${q(url)}; } || fail ${q(`cannot fetch inputs[${i}] ${url} (the image needs curl or wget)`)}`];
  }
  const source = arcPathOfUrl(url, `inputs[${i}].url`);
  const check = input.type === "DIRECTORY" ? `[ -d ${q(source)} ] || fail ${q(`inputs[${i}]: ${source} is not a directory you can read`)}` : `[ -f ${q(source)} ] || fail ${q(`inputs[${i}]: ${source} is not a file you can read`)}`;
  return [check, `place ${q(source)} ${q(input.path)}`];
}

function copyOutput(output: TesOutput): string[] {
  const target = arcPathOfUrl(output.url, "outputs.url");
  if (output.path_prefix !== undefined) {
    const base = target.replace(/\/$/, "");
    const url = output.url.replace(/\/$/, "");
    return [`for f in ${globOf(output.path)}; do [ -e "$f" ] || continue; r=\${f#${q(output.path_prefix)}}; r=\${r#/}; place "$f" ${q(base)}/"$r"; report ${q(base)}/"$r" "$f" ${q(url)}/"$r"; done`];
  }
  return [`[ -e ${q(output.path)} ] || fail ${q(`output ${output.path} was not written`)}`, `place ${q(output.path)} ${q(target)}`, `report ${q(target)} ${q(output.path)} ${q(output.url)}`];
}

function runCommand(e: TesExecutor): string[] {
  const lines: string[] = [];
  if (e.workdir) lines.push(`mkdir -p -- ${q(e.workdir)} && cd -- ${q(e.workdir)} || fail ${q(`cannot enter workdir ${e.workdir}`)}`);
  for (const p of [e.stdout, e.stderr]) if (p) lines.push(`mkdir -p -- "$(dirname -- ${q(p)})" || fail ${q(`cannot create the directory of ${p}`)}`);
  if (e.stdin) lines.push(`[ -r ${q(e.stdin)} ] || fail ${q(`stdin ${e.stdin} cannot be read`)}`);
  const redirects = [e.stdin ? `< ${q(e.stdin)}` : "", e.stdout ? `> ${q(e.stdout)}` : "", e.stderr ? `2> ${q(e.stderr)}` : ""].filter((r) => r !== "").join(" ");
  lines.push(`set -- ${e.command.map(q).join(" ")}`);
  lines.push(`printf '%s start\\n' "$M" >&2`);
  lines.push(`"$@" ${redirects}`.trimEnd());
  lines.push("code=$?");
  lines.push(`printf '%s exit %s\\n' "$M" "$code" >&2`);
  return lines;
}

/**
 * The script of executor `index` of the task. Throws a VALIDATION_FAILED AppError when
 * it would not fit in one argument (inline input contents are part of it).
 */
export function buildRunnerScript(task: TesTask, index: number): string {
  const e = task.executors[index]!;
  const last = index === task.executors.length - 1;
  const lines = [`# skyrun TES runner: executor ${index + 1} of ${task.executors.length}`, ...PRELUDE];
  for (const v of task.volumes ?? []) lines.push(`mkdir -p -- ${q(v)} || fail ${q(`cannot create volume ${v}`)}`);
  (task.inputs ?? []).forEach((input, i) => {
    if (index === 0 || !onArc(input.path)) lines.push(...stageInput(input, i));
  });
  lines.push(...runCommand(e));
  if (!e.ignore_error) lines.push(`[ "$code" -eq 0 ] || exit "$code"`);
  if (last) for (const o of task.outputs ?? []) lines.push(...copyOutput(o));
  lines.push("exit 0");
  const script = lines.join("\n") + "\n";
  if (Buffer.byteLength(script, "utf8") > MAX_SCRIPT_BYTES) {
    throw invalid(`The task is too large to run: executor ${index + 1}'s steps with the inline input contents take ${Buffer.byteLength(script, "utf8")} bytes; at most ${MAX_SCRIPT_BYTES}. Give large inputs as file:// URLs under /arc instead of content.`, { parameter: "inputs" });
  }
  return script;
}
