import type { TesExecutor, TesFileType, TesInput, TesOutput, TesResources, TesTask } from "../contracts/tes-task.js";
import { invalid } from "../domain/errors.js";

/** What the operator lets a task fetch (`tes.allowedInputUrls`: http(s) URL prefixes; none by default). */
export interface TesTaskRules {
  readonly allowedInputUrlPrefixes: readonly string[];
}

/** Executors in one task at most: each becomes one skyrun job of a chain. */
export const MAX_EXECUTORS = 20;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function optionalString(o: Json, key: string, at: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalid(`Invalid value for '${at}${key}': expected a string.`, { parameter: `${at}${key}` });
  return v;
}

/** An absolute path without `..`, NUL or line breaks, normalised (no `//`, no trailing `/`). */
function absolutePath(value: string, field: string): string {
  if (!value.startsWith("/") || /[\0\n\r]/.test(value) || value.split("/").includes("..")) {
    throw invalid(`Invalid value for '${field}': ${JSON.stringify(value)}. Expected an absolute path without '..' segments.`, { parameter: field });
  }
  const clean = value.replace(/\/+/g, "/").replace(/\/\.(?=\/|$)/g, "");
  return clean.length > 1 ? clean.replace(/\/$/, "") : clean;
}

/** A `file://` URL (or a plain absolute path) on /arc, as the path it names there. */
export function arcPathOfUrl(url: string, field: string): string {
  let path: string;
  if (url.startsWith("/")) path = url;
  else if (/^file:\/\/(localhost)?\//i.test(url)) {
    try {
      path = decodeURIComponent(new URL(url).pathname);
    } catch {
      throw invalid(`Invalid value for '${field}': ${JSON.stringify(url)} is not a valid file:// URL.`, { parameter: field });
    }
  } else {
    throw invalid(`Invalid value for '${field}': ${JSON.stringify(url)}. Allowed: file:// URLs (or absolute paths) under /arc, the shared filesystem.`, { parameter: field });
  }
  const clean = absolutePath(path, field);
  if (clean !== "/arc" && !clean.startsWith("/arc/")) {
    throw invalid(`Invalid value for '${field}': ${JSON.stringify(url)} is not under /arc; skyrun reads and writes task files only on the shared filesystem /arc.`, { parameter: field });
  }
  return clean;
}

function fileType(o: Json, at: string): TesFileType | undefined {
  const v = o.type;
  if (v === undefined || v === null) return undefined;
  if (v !== "FILE" && v !== "DIRECTORY") throw invalid(`Invalid value for '${at}type': ${JSON.stringify(v)}. Allowed: FILE, DIRECTORY.`, { parameter: `${at}type` });
  return v;
}

function parseInput(raw: unknown, i: number, rules: TesTaskRules): TesInput {
  const at = `inputs[${i}].`;
  if (!isObject(raw)) throw invalid(`Invalid value for 'inputs[${i}]': expected an object with path and url or content.`, { parameter: `inputs[${i}]` });
  const path = optionalString(raw, "path", at);
  if (path === undefined) throw invalid(`Missing '${at}path': the absolute path the input is placed at in the container.`, { parameter: `${at}path` });
  const content = optionalString(raw, "content", at);
  const url = optionalString(raw, "url", at);
  const type = fileType(raw, at);
  const input: TesInput = { path: absolutePath(path, `${at}path`) };
  for (const key of ["name", "description"] as const) {
    const v = optionalString(raw, key, at);
    if (v !== undefined) input[key] = v;
  }
  if (typeof raw.streamable === "boolean") input.streamable = raw.streamable;
  if (content !== undefined && content !== "") {
    if (type === "DIRECTORY") throw invalid(`Invalid value for '${at}type': an input given by content is a FILE.`, { parameter: `${at}type` });
    return { ...input, content, type: "FILE" };
  }
  if (url === undefined || url === "") throw invalid(`Missing '${at}url': give a url (file:// under /arc) or content.`, { parameter: `${at}url` });
  if (/^https?:\/\//i.test(url)) {
    if (!rules.allowedInputUrlPrefixes.some((p) => url.startsWith(p))) {
      const allowed = rules.allowedInputUrlPrefixes.length > 0 ? `URLs starting with ${rules.allowedInputUrlPrefixes.join(", ")}` : "none (the operator allows no http(s) inputs)";
      throw invalid(`Invalid value for '${at}url': ${JSON.stringify(url)} is not an http(s) URL this server fetches. Allowed: ${allowed}; or a file:// URL under /arc.`, { parameter: `${at}url` });
    }
    if (type === "DIRECTORY") throw invalid(`Invalid value for '${at}type': an http(s) input is a FILE.`, { parameter: `${at}type` });
    return { ...input, url, type: "FILE" };
  }
  arcPathOfUrl(url, `${at}url`);
  return { ...input, url, type: type ?? "FILE" };
}

function parseOutput(raw: unknown, i: number): TesOutput {
  const at = `outputs[${i}].`;
  if (!isObject(raw)) throw invalid(`Invalid value for 'outputs[${i}]': expected an object with path and url.`, { parameter: `outputs[${i}]` });
  const path = optionalString(raw, "path", at);
  const url = optionalString(raw, "url", at);
  if (path === undefined) throw invalid(`Missing '${at}path': the absolute path in the container to copy from.`, { parameter: `${at}path` });
  if (url === undefined) throw invalid(`Missing '${at}url': the file:// URL under /arc to copy to.`, { parameter: `${at}url` });
  arcPathOfUrl(url, `${at}url`);
  const output: TesOutput = { path: absolutePath(path, `${at}path`), url };
  const type = fileType(raw, at);
  if (type) output.type = type;
  for (const key of ["name", "description"] as const) {
    const v = optionalString(raw, key, at);
    if (v !== undefined) output[key] = v;
  }
  if (/[*?[]/.test(path)) {
    const prefix = optionalString(raw, "path_prefix", at);
    if (prefix === undefined) throw invalid(`Missing '${at}path_prefix': required when '${at}path' has wildcards; it is cut from each match to name its copy under url.`, { parameter: `${at}path_prefix` });
    if (!path.startsWith(prefix)) throw invalid(`Invalid value for '${at}path_prefix': ${JSON.stringify(prefix)} is not a prefix of ${JSON.stringify(path)}.`, { parameter: `${at}path_prefix` });
    output.path_prefix = prefix;
  }
  return output;
}

function parseExecutor(raw: unknown, i: number): TesExecutor {
  const at = `executors[${i}].`;
  if (!isObject(raw)) throw invalid(`Invalid value for 'executors[${i}]': expected an object with image and command.`, { parameter: `executors[${i}]` });
  const image = optionalString(raw, "image", at)?.trim();
  if (!image) throw invalid(`Missing '${at}image': the container image to run.`, { parameter: `${at}image` });
  const command = raw.command;
  if (!Array.isArray(command) || command.length === 0 || command.some((w) => typeof w !== "string" || w.includes("\0"))) {
    throw invalid(`Invalid value for '${at}command': expected a non-empty array of strings (argv), e.g. ["/bin/md5", "/data/file1"].`, { parameter: `${at}command` });
  }
  const executor: TesExecutor = { image, command: command as string[] };
  for (const key of ["workdir", "stdin", "stdout", "stderr"] as const) {
    const v = optionalString(raw, key, at);
    if (v !== undefined && v !== "") executor[key] = absolutePath(v, `${at}${key}`);
  }
  if (raw.env !== undefined && raw.env !== null) {
    if (!isObject(raw.env)) throw invalid(`Invalid value for '${at}env': expected an object of NAME: value strings.`, { parameter: `${at}env` });
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw.env)) {
      if (!ENV_NAME.test(k) || typeof v !== "string" || v.includes("\0")) throw invalid(`Invalid value for '${at}env': ${JSON.stringify(k)} must be a variable name (letters, digits, '_') with a string value.`, { parameter: `${at}env` });
      env[k] = v;
    }
    executor.env = env;
  }
  if (raw.ignore_error !== undefined && raw.ignore_error !== null) {
    if (typeof raw.ignore_error !== "boolean") throw invalid(`Invalid value for '${at}ignore_error': expected true or false.`, { parameter: `${at}ignore_error` });
    executor.ignore_error = raw.ignore_error;
  }
  return executor;
}

function positive(o: Json, key: string, integer: boolean): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw invalid(`Invalid value for 'resources.${key}': ${JSON.stringify(v)}. Expected a positive ${integer ? "whole number" : "number"}.`, { parameter: `resources.${key}` });
  }
  return v;
}

function parseResources(raw: unknown): TesResources | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) throw invalid("Invalid value for 'resources': expected an object.", { parameter: "resources" });
  const r: TesResources = {};
  const cores = positive(raw, "cpu_cores", true);
  const ram = positive(raw, "ram_gb", false);
  const disk = positive(raw, "disk_gb", false);
  if (cores !== undefined) r.cpu_cores = cores;
  if (ram !== undefined) r.ram_gb = ram;
  if (disk !== undefined) r.disk_gb = disk;
  if (typeof raw.preemptible === "boolean") r.preemptible = raw.preemptible;
  if (Array.isArray(raw.zones) && raw.zones.length > 0) throw invalid("Invalid value for 'resources.zones': skyrun has one zone; leave zones out.", { parameter: "resources.zones" });
  // No backend parameters are supported (service-info lists none): strict asks for a failure, otherwise they are dropped, as the schema says.
  if (isObject(raw.backend_parameters) && Object.keys(raw.backend_parameters).length > 0 && raw.backend_parameters_strict === true) {
    throw invalid(`Invalid value for 'resources.backend_parameters': skyrun supports none (${Object.keys(raw.backend_parameters).join(", ")} given) and backend_parameters_strict is true.`, { parameter: "resources.backend_parameters" });
  }
  return r;
}

function parseTags(raw: unknown): Record<string, string> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw) || Object.values(raw).some((v) => typeof v !== "string")) throw invalid("Invalid value for 'tags': expected an object of string values.", { parameter: "tags" });
  return raw as Record<string, string>;
}

function list(body: Json, key: string): unknown[] {
  const v = body[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalid(`Invalid value for '${key}': expected an array.`, { parameter: key });
  return v;
}

/**
 * Checks a `POST /tasks` body against the v1.1 schema and skyrun's rules, and returns
 * the task as it is kept (server fields such as id, state and logs are dropped). Throws
 * a VALIDATION_FAILED AppError naming the field and what is allowed. Pure.
 */
export function parseTesTask(body: unknown, rules: TesTaskRules): TesTask {
  if (!isObject(body)) throw invalid("The body must be a JSON tesTask object with at least 'executors'.", { parameter: "body" });
  const executors = list(body, "executors");
  if (executors.length === 0) throw invalid("Missing 'executors': give at least one executor (image and command).", { parameter: "executors" });
  if (executors.length > MAX_EXECUTORS) throw invalid(`Too many executors: ${executors.length}; at most ${MAX_EXECUTORS} in one task.`, { parameter: "executors" });
  const task: TesTask = { executors: executors.map(parseExecutor) };
  for (const key of ["name", "description"] as const) {
    const v = optionalString(body, key, "");
    if (v !== undefined) task[key] = v;
  }
  const inputs = list(body, "inputs").map((x, i) => parseInput(x, i, rules));
  const outputs = list(body, "outputs").map(parseOutput);
  const volumes = list(body, "volumes").map((v, i) => {
    if (typeof v !== "string") throw invalid(`Invalid value for 'volumes[${i}]': expected an absolute path.`, { parameter: `volumes[${i}]` });
    return absolutePath(v, `volumes[${i}]`);
  });
  if (inputs.length > 0) task.inputs = inputs;
  if (outputs.length > 0) task.outputs = outputs;
  if (volumes.length > 0) task.volumes = volumes;
  const resources = parseResources(body.resources);
  if (resources) task.resources = resources;
  const tags = parseTags(body.tags);
  if (tags) task.tags = tags;
  return task;
}
