import { labelProblem, MAX_RETRIES, MAX_RUNNING_LIMIT } from "../contracts/session-request.js";
import { invalid } from "./errors.js";

/** A parameter's text values as they arrived (repeatable ones more than once). */
export type TextValues = (name: string) => readonly string[];

/** Options that apply to the whole set a request creates. */
export interface SetOptions {
  readonly maxRunning: number | null;
  /** A label key: the limit counts the owner's sessions with the same value for it; null: the set. */
  readonly maxRunningLabel: string | null;
  readonly notifyUrl: string | null;
}

/** Per-session batch options, as given (paths not yet resolved against the owner's directories). */
export interface SessionBatchOptions {
  readonly labels: Readonly<Record<string, string>>;
  readonly retries: number;
  readonly walltimeSeconds: number | null;
  readonly workdir: string | null;
  readonly stdout: string | null;
  readonly stderr: string | null;
  readonly diskGB: number;
}

const one = (values: TextValues, name: string): string | undefined => {
  const v = values(name);
  if (new Set(v).size > 1) throw invalid(`Parameter '${name}' was given ${v.length} times with different values; give it once.`, { parameter: name });
  return v[0]?.trim();
};

function wholeNumber(values: TextValues, name: string, min: number, max: number): number | null {
  const raw = one(values, name);
  if (raw === undefined || raw === "") return null;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw invalid(`Invalid value for '${name}': ${raw}. Allowed: a whole number from ${min} to ${max}.`, { parameter: name });
  return Number(raw);
}

function parseLabels(values: TextValues): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const entry of values("label")) {
    const eq = entry.indexOf("=");
    if (eq <= 0) throw invalid(`Invalid value for 'label': ${JSON.stringify(entry)}. Each label is key=value, e.g. label=survey=m31.`, { parameter: "label" });
    const key = entry.slice(0, eq).trim();
    const value = entry.slice(eq + 1);
    const problem = labelProblem(key, value);
    if (problem) throw invalid(`Invalid value for 'label': ${problem}.`, { parameter: "label" });
    if (key in labels && labels[key] !== value) throw invalid(`Invalid value for 'label': ${key} is given twice with different values.`, { parameter: "label" });
    labels[key] = value;
  }
  return labels;
}

/**
 * Seconds from `walltime`: a number of seconds, or Slurm's `--time` forms
 * (`MM`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`, `D-HH:MM:SS`). Null when absent.
 */
export function parseWalltime(raw: string | undefined, maxSeconds: number): number | null {
  if (raw === undefined || raw === "") return null;
  const fail = () => invalid(`Invalid value for 'walltime': ${raw}. Allowed: seconds, or [D-]HH:MM:SS, MM:SS or MM (as sbatch --time), at most ${maxSeconds} seconds.`, { parameter: "walltime" });
  let seconds: number;
  if (/^\d+$/.test(raw)) seconds = Number(raw);
  else {
    const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(raw);
    if (!m) throw fail();
    const [, days, a, b, c] = m;
    const n = (s: string | undefined) => (s === undefined ? 0 : Number(s));
    if (days !== undefined) seconds = n(days) * 86_400 + n(a) * 3600 + n(b) * 60 + n(c); // D-HH[:MM[:SS]]
    else if (c !== undefined) seconds = n(a) * 3600 + n(b) * 60 + n(c); // HH:MM:SS
    else if (b !== undefined) seconds = n(a) * 60 + n(b); // MM:SS
    else seconds = n(a) * 60; // MM
  }
  if (seconds <= 0 || seconds > maxSeconds) throw fail();
  return seconds;
}

/** An absolute or relative POSIX path without `..`, NUL or control characters, normalised. */
function parsePath(values: TextValues, name: string, mustBeAbsolute: boolean): string | null {
  const raw = one(values, name);
  if (raw === undefined || raw === "") return null;
  // eslint-disable-next-line no-control-regex
  const bad = /[\u0000-\u001f\u007f]/.test(raw) || raw.split("/").includes("..") || raw.length > 4096;
  if (bad || (mustBeAbsolute && !raw.startsWith("/"))) {
    throw invalid(`Invalid value for '${name}': ${JSON.stringify(raw)}. Allowed: ${mustBeAbsolute ? "an absolute path" : "a path"} under /arc without '..', e.g. /arc/home/<you>/run1.`, { parameter: name });
  }
  return raw.replace(/\/+/g, "/").replace(/\/\.(?=\/|$)/g, "").replace(/(.)\/$/, "$1");
}

/** The per-session batch options of one request. Pure. */
export function parseSessionBatchOptions(values: TextValues, maxWalltimeSeconds: number): SessionBatchOptions {
  const disk = one(values, "disk");
  if (disk !== undefined && disk !== "" && !(/^\d+(\.\d+)?$/.test(disk) && Number(disk) > 0 && Number(disk) <= 1e6)) {
    throw invalid(`Invalid value for 'disk': ${disk}. Allowed: scratch space in GB, a positive number.`, { parameter: "disk" });
  }
  return {
    labels: parseLabels(values),
    retries: wholeNumber(values, "retries", 0, MAX_RETRIES) ?? 0,
    walltimeSeconds: parseWalltime(one(values, "walltime"), maxWalltimeSeconds),
    workdir: parsePath(values, "workdir", true),
    stdout: parsePath(values, "stdout", false),
    stderr: parsePath(values, "stderr", false),
    diskGB: disk ? Number(disk) : 0,
  };
}

/** The options of the set a request creates. Pure; the notification URL's allow-list is checked by the use case. */
export function parseSetOptions(values: TextValues, labels: Readonly<Record<string, string>>): SetOptions {
  const maxRunning = wholeNumber(values, "maxrunning", 1, MAX_RUNNING_LIMIT);
  const byLabel = one(values, "maxrunninglabel") || null;
  if (byLabel !== null && maxRunning === null) throw invalid("Parameter 'maxRunningLabel' needs 'maxRunning': the number of sessions that may run at once.", { parameter: "maxRunningLabel" });
  if (byLabel !== null && !(byLabel in labels)) throw invalid(`Invalid value for 'maxRunningLabel': ${byLabel} is not one of this request's labels (${Object.keys(labels).join(", ") || "none given"}).`, { parameter: "maxRunningLabel" });
  const notify = one(values, "notify") || null;
  if (notify !== null) {
    let url: URL | undefined;
    try {
      url = new URL(notify);
    } catch {
      url = undefined;
    }
    if (!url || !["http:", "https:"].includes(url.protocol) || url.username || url.password) {
      throw invalid(`Invalid value for 'notify': ${JSON.stringify(notify)}. Allowed: an http(s):// URL without credentials in it.`, { parameter: "notify" });
    }
  }
  return { maxRunning, maxRunningLabel: byLabel, notifyUrl: notify };
}
