import type { SessionRequest, SessionSetOptions } from "../contracts/session-request.js";
import { InvalidRequestError, UnsupportedError } from "./client-error.js";
import { checkExtensions, extensionBody, usedExtensions } from "./session-extensions.js";

/** Private registry credentials, sent as the `x-skaha-registry-auth` header (base64 of `username:secret`). */
export interface RegistryAuth {
  readonly username: string;
  readonly secret: string;
}

/**
 * What to run: the parameters of `POST /session` (see {@link SessionRequest}), the
 * set-wide ones, and the registry credentials sent as a header.
 */
export interface CreateSessionSpec extends SessionRequest, SessionSetOptions {
  readonly registryAuth?: RegistryAuth;
}

/** The platform client's replica limit; skyrun's own limit is checked by the server. */
export const PLATFORM_MAX_REPLICAS = 512;
const NAME = /^[A-Za-z0-9-]+$/;
const ENV_KEY = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** The environment as ordered `[key, value]` pairs; throws InvalidRequestError on a malformed entry. */
export function envPairs(env: CreateSessionSpec["env"]): [string, string][] {
  if (env === undefined) return [];
  const pairs: [string, string][] = Array.isArray(env)
    ? (env as readonly string[]).map((entry) => {
      const eq = entry.indexOf("=");
      if (eq <= 0) throw new InvalidRequestError(`Invalid env entry ${JSON.stringify(entry)}: give KEY=VALUE.`, "env");
      return [entry.slice(0, eq), entry.slice(eq + 1)];
    })
    : Object.entries(env as Readonly<Record<string, string>>);
  for (const [key, value] of pairs) {
    if (!ENV_KEY.test(key)) throw new InvalidRequestError(`Invalid env name ${JSON.stringify(key)}: use letters, digits, '_', '-', '.', not starting with a digit.`, "env");
    if (typeof value !== "string") throw new InvalidRequestError(`Invalid env value for ${key}: it must be a string.`, "env");
  }
  return pairs;
}

const positive = (name: string, v: number | undefined, integer: boolean): void => {
  if (v === undefined) return;
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new InvalidRequestError(`Invalid value for '${name}': ${v}. Give a ${integer ? "whole " : ""}number above 0.`, name);
  }
};

/**
 * Checks what both servers would refuse, before sending anything: the platform's name
 * rule, image present, sane numbers, well-formed env.
 */
export function checkSpec(spec: CreateSessionSpec): void {
  if (typeof spec.name !== "string" || spec.name.trim() === "") throw new InvalidRequestError("Missing 'name': give the session a name of letters, digits and '-'.", "name");
  if (!NAME.test(spec.name)) throw new InvalidRequestError(`Invalid value for 'name': ${JSON.stringify(spec.name)}. Use only letters, digits and '-'.`, "name");
  if (typeof spec.image !== "string" || spec.image.trim() === "") throw new InvalidRequestError("Missing 'image': name the container image to run.", "image");
  positive("cores", spec.cores, false);
  positive("ram", spec.ram, false);
  positive("gpus", spec.gpus, true);
  positive("replicas", spec.replicas, true);
  envPairs(spec.env);
  if (typeof spec.cmd !== "string" && spec.cmd !== undefined && spec.cmd.length === 0) throw new InvalidRequestError("Invalid value for 'cmd': an empty argv; give a program or leave 'cmd' out.", "cmd");
  checkExtensions(spec);
}

/** The JSON body of skyrun's `POST /session`: argv arrays are passed exactly, replicas in one request. */
export function toSkyrunBody(spec: CreateSessionSpec): Record<string, unknown> {
  const body: Record<string, unknown> = { name: spec.name, image: spec.image };
  if (spec.kind !== undefined) body.type = spec.kind;
  if (spec.cores !== undefined) body.cores = spec.cores;
  if (spec.ram !== undefined) body.ram = spec.ram;
  if (spec.gpus !== undefined) body.gpus = spec.gpus;
  if (spec.cmd !== undefined) body.cmd = spec.cmd;
  if (spec.args !== undefined) body.args = spec.args;
  const env = envPairs(spec.env);
  if (env.length > 0) body.env = env.map(([k, v]) => `${k}=${v}`);
  if (spec.replicas !== undefined && spec.replicas !== 1) body.replicas = spec.replicas;
  if (spec.dependsOn && spec.dependsOn.length > 0) body.dependsOn = [...spec.dependsOn];
  return { ...body, ...extensionBody(spec) };
}

/**
 * The JSON body of skyrun's `POST /session` for one set of differently-specified
 * sessions: an array of parameter objects, the set-wide options repeated on each (the
 * server requires them to agree).
 */
export function toSkyrunSetBody(specs: readonly SessionRequest[], set: SessionSetOptions): Record<string, unknown>[] {
  return specs.map((spec) => toSkyrunBody({ ...spec, ...set }));
}

/** The platform splits `args` on single spaces: an argument holding whitespace cannot survive. */
function platformArgs(words: readonly string[]): string {
  for (const w of words) {
    if (w === "" || /\s/.test(w)) {
      throw new UnsupportedError(`The argument ${JSON.stringify(w)} cannot be sent to this server: the platform splits 'args' on spaces, so an argument that is empty or holds a space would be split or lost. Put the command in a script in the image or on /arc, and run that.`);
    }
  }
  return words.join(" ");
}

/**
 * The form parameters of one replica's `POST /session` on the platform, which has no
 * `replicas` parameter: like its Python client, replica i of n is named `name-i` and
 * gets REPLICA_ID=i and REPLICA_COUNT=n.
 */
export function toPlatformForm(spec: CreateSessionSpec, replica: number, count: number): [string, string][] {
  if (spec.dependsOn && spec.dependsOn.length > 0) throw new UnsupportedError("'dependsOn' is a skyrun extension; this server (the platform) does not support job dependencies.");
  const extensions = usedExtensions(spec);
  if (extensions.length > 0) throw new UnsupportedError(`${extensions.map((e) => `'${e}'`).join(", ")} ${extensions.length > 1 ? "are skyrun extensions" : "is a skyrun extension"}; this server (the platform) does not support ${extensions.length > 1 ? "them" : "it"}.`);
  const form: [string, string][] = [["name", count > 1 ? `${spec.name}-${replica}` : spec.name], ["image", spec.image]];
  if (spec.cores !== undefined) form.push(["cores", String(spec.cores)]);
  if (spec.ram !== undefined) form.push(["ram", String(spec.ram)]);
  if (spec.gpus !== undefined) form.push(["gpus", String(spec.gpus)]);
  if (spec.kind !== undefined) form.push(["type", spec.kind]);
  let args: string | undefined = typeof spec.args === "string" ? spec.args : spec.args === undefined ? undefined : platformArgs(spec.args);
  if (typeof spec.cmd === "string") form.push(["cmd", spec.cmd]);
  else if (spec.cmd !== undefined) {
    const [program, ...rest] = spec.cmd;
    form.push(["cmd", program!]);
    if (rest.length > 0) args = [platformArgs(rest), args].filter((a) => a !== undefined && a !== "").join(" ");
  }
  if (args !== undefined && args !== "") form.push(["args", args]);
  const env = envPairs(spec.env);
  if (count > 1 && env.some(([k]) => k === "REPLICA_ID" || k === "REPLICA_COUNT")) throw new InvalidRequestError("REPLICA_ID and REPLICA_COUNT are set for each replica when replicas > 1; leave them out of env.", "env");
  for (const [k, v] of env) form.push(["env", `${k}=${v}`]);
  if (count > 1) form.push(["env", `REPLICA_ID=${replica}`], ["env", `REPLICA_COUNT=${count}`]);
  return form;
}

/** The `x-skaha-registry-auth` header value. */
export const registryAuthHeader = (auth: RegistryAuth): string => Buffer.from(`${auth.username}:${auth.secret}`, "utf8").toString("base64");
