import { labelProblem, MAX_RETRIES, MAX_RUNNING_LIMIT, type SessionRequest, type SessionSetOptions } from "../contracts/session-request.js";
import { InvalidRequestError } from "./client-error.js";

/**
 * skyrun's additions to `POST /session` (notes/api-extensions.md): checked before
 * sending, encoded under their wire names, and named when a server (the platform)
 * cannot take them.
 */

type Extensions = Pick<SessionRequest, "labels" | "retries" | "walltime" | "workdir" | "stdout" | "stderr" | "disk"> & SessionSetOptions;

/** The extension parameters in wire order: labels, retries, the set-wide ones, then the per-session ones. */
const EXTENSION_NAMES = ["labels", "retries", "maxRunning", "maxRunningLabel", "notify", "walltime", "workdir", "stdout", "stderr", "disk"] as const;

/** `[D-]HH:MM:SS`, `MM:SS` or `MM`, as Slurm's `--time` writes it. */
const WALLTIME_TEXT = /^(\d+-)?\d+:\d{1,2}:\d{1,2}$|^\d+:\d{1,2}$|^\d+$/;
const ARC_WORKDIR = /^\/arc\/(home|projects)\/[^/]+(\/.*)?$/;

const bad = (parameter: string, message: string): never => {
  throw new InvalidRequestError(message, parameter);
};

function checkWholeNumber(parameter: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) bad(parameter, `Invalid value for '${parameter}': ${value}. Give a whole number from ${min} to ${max}.`);
}

function checkPath(parameter: "workdir" | "stdout" | "stderr", value: string | undefined): void {
  if (value === undefined) return;
  if (value.trim() === "" || value.includes("\0")) bad(parameter, `Invalid value for '${parameter}': give a path on /arc.`);
  if (parameter === "workdir" && !ARC_WORKDIR.test(value)) bad(parameter, `Invalid value for 'workdir': ${JSON.stringify(value)}. Give an absolute path under /arc/home/<user> or /arc/projects/<group>.`);
  if (parameter !== "workdir" && value.startsWith("/") && !value.startsWith("/arc/")) bad(parameter, `Invalid value for '${parameter}': ${JSON.stringify(value)}. Give a path under /arc, or one relative to 'workdir'.`);
}

/** Throws InvalidRequestError naming the parameter when an extension value is one the server would refuse. */
export function checkExtensions(spec: Extensions): void {
  for (const [key, value] of Object.entries(spec.labels ?? {})) {
    const problem = labelProblem(key, value);
    if (problem !== undefined) bad("label", `Invalid value for 'label': ${problem}.`);
  }
  checkWholeNumber("retries", spec.retries, 0, MAX_RETRIES);
  checkWholeNumber("maxRunning", spec.maxRunning, 1, MAX_RUNNING_LIMIT);
  if (spec.maxRunningLabel !== undefined && !(spec.labels && spec.maxRunningLabel in spec.labels)) {
    bad("maxRunningLabel", `Invalid value for 'maxRunningLabel': ${JSON.stringify(spec.maxRunningLabel)} is not one of the session's label keys.`);
  }
  if (spec.notify !== undefined && !/^[a-z][a-z0-9+.-]*:\S+$/i.test(spec.notify)) bad("notify", `Invalid value for 'notify': ${JSON.stringify(spec.notify)}. Give a URL.`);
  if (typeof spec.walltime === "number" && !(Number.isInteger(spec.walltime) && spec.walltime > 0)) bad("walltime", `Invalid value for 'walltime': ${spec.walltime}. Give whole seconds above 0.`);
  if (typeof spec.walltime === "string" && !WALLTIME_TEXT.test(spec.walltime)) bad("walltime", `Invalid value for 'walltime': ${JSON.stringify(spec.walltime)}. Give seconds, or [D-]HH:MM:SS, MM:SS or MM.`);
  checkPath("workdir", spec.workdir);
  checkPath("stdout", spec.stdout);
  checkPath("stderr", spec.stderr);
  if (spec.disk !== undefined && !(Number.isFinite(spec.disk) && spec.disk > 0)) bad("disk", `Invalid value for 'disk': ${spec.disk}. Give GB above 0.`);
}

/** The extension parameters of skyrun's JSON body, under their wire names (`label` is repeated as `key=value`). */
export function extensionBody(spec: Extensions): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const labels = Object.entries(spec.labels ?? {});
  if (labels.length > 0) body.label = labels.map(([k, v]) => `${k}=${v}`);
  for (const name of EXTENSION_NAMES) {
    if (name === "labels") continue;
    const value = spec[name];
    if (value !== undefined) body[name] = value;
  }
  return body;
}

/** The extension parameters a spec uses (for the message when a server has none of them). */
export function usedExtensions(spec: Extensions): string[] {
  return EXTENSION_NAMES.filter((name) => (name === "labels" ? Object.keys(spec.labels ?? {}).length > 0 : spec[name] !== undefined));
}
