import { CREATE_PARAMETERS, SESSION_TYPES } from "../contracts/skaha-parameters.js";
import { parseSessionBatchOptions, parseSetOptions, type SessionBatchOptions, type SetOptions } from "./batch-options.js";
import { invalid } from "./errors.js";
import { checkExecLimits } from "./exec-limits.js";
import { isJobId, type JobId } from "./ids.js";
import type { JobSpec } from "./job.js";
import { parseImageReference } from "./image-reference.js";
import { resolveResources, type ResourceContext } from "./resources.js";
import { splitWords } from "./words.js";

/**
 * A request parameter as it arrived: text from a query string or form, or an argv
 * array from a JSON body (`"args": ["a", "b c"]`), which is taken as is.
 */
export type ParamValue = string | { readonly argv: readonly string[] };
/** Parameters by lower-case name (names are case-insensitive on the platform). */
export type Params = ReadonlyMap<string, readonly ParamValue[]>;

export interface CreateRules {
  readonly context: ResourceContext;
  readonly maxReplicas: number;
  /** The longest deadline (`walltime`) a session may ask for: the server's `sessions.deadlineSeconds`. */
  readonly maxDeadlineSeconds: number;
}

/** The spec as far as the request alone decides it; the batch options' paths and throttle are the use case's to resolve. */
export type ParsedSpec = Omit<JobSpec, "labels" | "retries" | "throttle" | "workdir" | "stdoutPath" | "stderrPath" | "diskGB" | "notifyUrl">;

export interface CreateRequest {
  readonly spec: ParsedSpec;
  readonly batch: SessionBatchOptions;
  readonly set: SetOptions;
  readonly replicas: number;
}

/** Session types the platform knows (the catalogue's); skyrun runs only headless ones. */
export { SESSION_TYPES };
/** The parameters `POST /session` knows, by lower-case name: the catalogue's (contracts/skaha-parameters.ts). */
const KNOWN_PARAMETERS: readonly string[] = Object.values(CREATE_PARAMETERS).map((p) => p.name.toLowerCase());
const KNOWN_LIST = Object.values(CREATE_PARAMETERS).map((p) => p.name).join(", ");
/** Variables skyrun sets in every container; a user value would silently lose, so it is refused. */
export const RESERVED_ENV = ["HOME", "PWD", "skaha_hostname", "skaha_username", "skaha_sessionid", "SKAHA_SESSION_ID"];
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
/** A DNS label, so the name can be the container's hostname: the platform's rule plus length and edges. */
const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const asText = (v: ParamValue): string => (typeof v === "string" ? v : v.argv.join(" "));

function single(params: Params, name: string): ParamValue | undefined {
  const values = params.get(name);
  if (!values || values.length === 0) return undefined;
  const distinct = new Set(values.map(asText));
  if (distinct.size > 1) throw invalid(`Parameter '${name}' was given ${values.length} times with different values; give it once.`, { parameter: name });
  return values[0];
}

const text = (params: Params, name: string): string | undefined => {
  const v = single(params, name);
  return v === undefined ? undefined : asText(v);
};

function argv(params: Params, name: "cmd" | "args"): string[] | null {
  const v = single(params, name);
  if (v === undefined) return null;
  const words = typeof v === "string" ? splitWords(v, name) : [...v.argv];
  if (words.some((w) => w.includes("\0"))) throw invalid(`Invalid value for '${name}': NUL characters are not allowed.`, { parameter: name });
  return words;
}

function parseName(raw: string | undefined, replicas: number): string {
  if (raw === undefined || raw.trim() === "") throw invalid("Missing parameter 'name': give the session a name of letters, digits and '-'.", { parameter: "name" });
  const name = raw.trim().toLowerCase();
  const longest = replicas > 1 ? `${name}-${replicas}` : name;
  if (!NAME.test(longest)) {
    throw invalid(
      `Invalid value for 'name': ${JSON.stringify(raw)}. A name has 1 to 63 letters, digits and '-', starts and ends with a letter or digit${replicas > 1 ? `, and leaves room for the replica suffix '-${replicas}'` : ""}.`,
      { parameter: "name" },
    );
  }
  return name;
}

function parseType(params: Params): "headless" {
  const type = text(params, "type")?.trim().toLowerCase();
  const kind = text(params, "kind")?.trim().toLowerCase();
  if (type !== undefined && kind !== undefined && type !== kind) throw invalid(`Parameters 'type' (${type}) and 'kind' (${kind}) disagree; 'kind' is another name for 'type', give one.`, { parameter: "type" });
  const value = type ?? kind;
  if (value === undefined || value === "" || value === "headless") return "headless";
  if ((SESSION_TYPES as readonly string[]).includes(value)) throw invalid(`Invalid session type: ${value}. skyrun runs headless sessions only; send type=headless or leave it out.`, { parameter: "type" });
  throw invalid(`Invalid session type: ${value}. Allowed: headless (interactive types ${SESSION_TYPES.slice(1).join(", ")} are not served by skyrun).`, { parameter: "type" });
}

function parseEnv(params: Params, replicas: number): [string, string][] {
  const byName = new Map<string, string>();
  for (const v of params.get("env") ?? []) {
    const entries = typeof v === "string" ? [v] : v.argv;
    for (const entry of entries) {
      const eq = entry.indexOf("=");
      const key = eq > 0 ? entry.slice(0, eq) : "";
      if (eq <= 0 || !ENV_NAME.test(key)) {
        throw invalid(`Invalid value for 'env': ${JSON.stringify(entry)}. Each env is KEY=VALUE with KEY of letters, digits, '_', '-', '.' not starting with a digit; the value may contain '='.`, { parameter: "env" });
      }
      const value = entry.slice(eq + 1);
      if (value.includes("\0")) throw invalid(`Invalid value for 'env': ${key} contains a NUL character.`, { parameter: "env" });
      if (RESERVED_ENV.includes(key)) throw invalid(`Invalid value for 'env': ${key} is set by skyrun for every session and cannot be overridden.`, { parameter: "env" });
      if (replicas > 1 && (key === "REPLICA_ID" || key === "REPLICA_COUNT")) throw invalid(`Invalid value for 'env': ${key} is set by skyrun for each replica when replicas > 1.`, { parameter: "env" });
      byName.set(key, value);
    }
  }
  return [...byName];
}

function parseReplicas(raw: string | undefined, max: number): number {
  if (raw === undefined) return 1;
  if (!/^\s*\d+\s*$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw invalid(`Invalid value for 'replicas': ${raw}. Allowed: a whole number from 1 to ${max}.`, { parameter: "replicas" });
  return Number(raw);
}

function parseDependsOn(params: Params): JobId[] {
  const ids = (params.get("dependson") ?? []).flatMap((v) => (typeof v === "string" ? v.split(",") : v.argv)).map((s) => s.trim()).filter((s) => s !== "");
  for (const id of ids) if (!isJobId(id)) throw invalid(`Invalid value for 'dependsOn': ${JSON.stringify(id)} is not a session id (8 characters, a letter then letters or digits).`, { parameter: "dependsOn" });
  return [...new Set(ids)] as JobId[];
}

/**
 * Turns the parameters of `POST /session` into a job spec, or throws a 400-class
 * AppError that names the parameter and what is allowed. Pure: no I/O.
 */
export function parseCreateRequest(params: Params, rules: CreateRules): CreateRequest {
  const unknown = [...params.keys()].filter((k) => !KNOWN_PARAMETERS.includes(k));
  if (unknown.length > 0) throw invalid(`Unknown parameter${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `'${u}'`).join(", ")}. Allowed: ${KNOWN_LIST}.`, { parameter: unknown[0] });
  const imageRaw = text(params, "image");
  if (imageRaw === undefined) throw invalid("Missing parameter 'image': name the container image to run.", { parameter: "image" });
  parseImageReference(imageRaw);
  const type = parseType(params);
  const replicas = parseReplicas(text(params, "replicas"), rules.maxReplicas);
  const name = parseName(text(params, "name"), replicas);
  const resources = resolveResources({ cores: text(params, "cores"), ram: text(params, "ram"), gpus: text(params, "gpus") }, rules.context);
  let command = argv(params, "cmd");
  if (command !== null && command.length === 0) throw invalid("Invalid value for 'cmd': it is empty; give a program to run, or leave 'cmd' out to use the image's entrypoint.", { parameter: "cmd" });
  let args = argv(params, "args");
  if (args !== null && args.length === 0) args = null;
  if (command !== null && command.length > 1 && args === null) {
    // `cmd=python /x.py in out` with no args, as seed pages send it: program plus its arguments.
    args = command.slice(1);
    command = command.slice(0, 1);
  }
  const env = parseEnv(params, replicas);
  checkExecLimits({ command, args, env, replicas });
  const values = (n: string) => (params.get(n) ?? []).map(asText);
  const batch = parseSessionBatchOptions(values, rules.maxDeadlineSeconds);
  return {
    replicas,
    spec: { name, image: imageRaw.trim(), type, command, args, env, resources, dependsOn: parseDependsOn(params), priority: 0 },
    batch,
    set: parseSetOptions(values, batch.labels),
  };
}
