/**
 * Which of the submitter's environment variables go into a job (HTCondor `getenv`,
 * Slurm `--export`). HTCondor and Slurm copy them onto a machine of the same site; a
 * skyrun job runs in a container image, where a few of them would mislead or break it,
 * and skyrun's own credentials must never travel.
 */

/** Never copied: skyrun's credentials, and what the server sets for every session itself. */
const NEVER = [/^SKYRUN_/i, /^(HOME|PWD)$/, /^skaha_/i, /^SKAHA_SESSION_ID$/];
/**
 * Left out of a wholesale copy (`getenv = true`, `--export=ALL`) because they describe
 * the submitting machine, not the image; named one by one they are copied.
 */
const MACHINE_SPECIFIC = [
  /^(PATH|LD_LIBRARY_PATH|LD_PRELOAD|OLDPWD|SHLVL|_|HOSTNAME|TERM|TERMCAP|COLORTERM|DISPLAY|XAUTHORITY|SHELL|MAIL|TMPDIR|TMP|TEMP|LS_COLORS|PS1|PROMPT_COMMAND)$/,
  /^(SSH|XDG|DBUS|GPG|WINDOW|KONSOLE|GNOME|VTE)_/,
];
/** The names the server accepts. */
const VALID_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** What to copy: everything (minus machine-specific), name patterns, names to leave out. */
export interface EnvironmentSelection {
  /** Copy every variable except the machine-specific ones. */
  readonly all: boolean;
  /** Names or `*` patterns (case-insensitive) to copy; a plain name is copied even if machine-specific. */
  readonly include: readonly string[];
  /** Names or `*` patterns (case-insensitive) never to copy. */
  readonly exclude: readonly string[];
}

const globToRegExp = (pattern: string): RegExp => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");

/** The variables to copy, in the environment's order; `skipped` names those left out as never to be copied. */
export function selectEnvironment(env: Readonly<Record<string, string | undefined>>, selection: EnvironmentSelection): { copied: [string, string][]; skipped: string[] } {
  const include = selection.include.map((p) => ({ plain: !p.includes("*"), re: globToRegExp(p) }));
  const exclude = selection.exclude.map(globToRegExp);
  const copied: [string, string][] = [];
  const skipped: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || exclude.some((re) => re.test(name))) continue;
    const named = include.find((p) => p.re.test(name));
    const wanted = named !== undefined ? named.plain || !MACHINE_SPECIFIC.some((re) => re.test(name)) : selection.all && !MACHINE_SPECIFIC.some((re) => re.test(name));
    if (!wanted) continue;
    if (NEVER.some((re) => re.test(name)) || !VALID_NAME.test(name) || value.includes("\0")) {
      skipped.push(name);
      continue;
    }
    copied.push([name, value]);
  }
  return { copied, skipped };
}
