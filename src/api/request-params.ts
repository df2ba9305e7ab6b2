import type {} from "@fastify/multipart"; // isMultipart() types
import type { FastifyRequest } from "fastify";
import type { SkahaParameter } from "../contracts/skaha-parameters.js";
import { invalid } from "../domain/errors.js";
import type { ParamValue, Params } from "../domain/create-request.js";
import { collectMultipart } from "./multipart-params.js";
import { byWireName, checkJsonValue, checkTextValue } from "./parameter-values.js";
import { REQUEST_LIMITS, tooManyParameters } from "./request-limits.js";

/** Adds one parameter value under its name. */
type Put = (name: string, value: ParamValue) => void;

/** The parameters a route reads, by lower-case name. */
type Catalogue = ReadonlyMap<string, SkahaParameter>;

/**
 * A parameter map and its `put`, which refuses more than REQUEST_LIMITS.parameters
 * values and checks each text value of a catalogued parameter against its schema.
 */
function createBag(catalogue: Catalogue): { bag: Map<string, ParamValue[]>; put: Put } {
  const bag = new Map<string, ParamValue[]>();
  let count = 0;
  const put: Put = (name, value) => {
    // Bounded like the body: a request of a million empty parameters is refused, not walked.
    if (++count > REQUEST_LIMITS.parameters) throw tooManyParameters();
    const key = name.toLowerCase();
    const known = catalogue.get(key);
    if (known && typeof value === "string") checkTextValue(known, value);
    const list = bag.get(key);
    if (list) list.push(value);
    else bag.set(key, [value]);
  };
  return { bag, put };
}

const scalar = (name: string, v: unknown): string => {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw invalid(`Invalid value for '${name}': expected a string or number.`, { parameter: name });
};

/** Adds a query-string or form object, where repeated names arrive as arrays. */
function addFormLike(put: Put, source: unknown): void {
  if (!source || typeof source !== "object") return;
  for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
    for (const v of Array.isArray(value) ? value : [value]) put(name, scalar(name, v));
  }
}

/**
 * JSON bodies may carry `cmd`/`args` as argv arrays (taken as is, no splitting), `env`
 * as an object or a list of KEY=VALUE, and `labels` as an object (the wire's repeated
 * `label=key=value`). A catalogued parameter's value is checked against its JSON schema
 * first; unknown ones are left for the route to refuse.
 */
function addJson(put: Put, body: unknown, catalogue: Catalogue): void {
  if (body === undefined || body === null) return;
  if (typeof body !== "object" || Array.isArray(body)) throw invalid("A JSON body must be an object of parameters, e.g. {\"name\": \"x\", \"image\": \"…\"}, or for several sessions of one set, an array of them.");
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    const known = catalogue.get(name.toLowerCase());
    // A JSON name of a parameter (`labels` for `label`) stands for the parameter itself.
    const key = known?.name.toLowerCase() ?? name.toLowerCase();
    if (known && value !== null && value !== undefined) checkJsonValue(known, value);
    if ((key === "cmd" || key === "args") && Array.isArray(value)) {
      put(key, { argv: value.map((v) => scalar(name, v)) });
    } else if (key === "env" && value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) put(key, `${k}=${scalar(`env.${k}`, v)}`);
    } else if (key === "label" && value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) put("label", `${k}=${scalar(`labels.${k}`, v)}`);
    } else if (Array.isArray(value)) {
      for (const v of value) put(key, scalar(name, v));
    } else if (value !== null && value !== undefined) {
      put(key, scalar(name, value));
    }
  }
}

/**
 * All parameters of a request, by lower-case name (the platform treats names
 * case-insensitively): the query string plus an x-www-form-urlencoded, multipart or
 * JSON body. The platform drops query parameters when the body is not a form; we
 * do not. At most REQUEST_LIMITS.parameters values (413 beyond). Values of the
 * route's catalogued parameters are checked against their schemas (400 naming the
 * parameter); other names are collected as they came, for the route to refuse or ignore.
 */
export async function collectParams(request: FastifyRequest, parameters: Readonly<Record<string, SkahaParameter>>): Promise<Params> {
  const catalogue = byWireName(parameters);
  const { bag, put } = createBag(catalogue);
  addFormLike(put, request.query);
  const type = (request.headers["content-type"] ?? "").toLowerCase();
  if (type.startsWith("multipart/form-data") && request.isMultipart()) {
    await collectMultipart(request, (name, value) => { put(name, scalar(name, value)); });
  } else if (type.startsWith("application/json")) {
    addJson(put, request.body, catalogue);
  } else {
    addFormLike(put, request.body);
  }
  return bag;
}

/**
 * The sessions a `POST /session` asks for: one set of parameters, or, when the body is
 * a JSON array, one per element (each with the query string's parameters too).
 */
export async function collectCreateItems(request: FastifyRequest, parameters: Readonly<Record<string, SkahaParameter>>): Promise<Params[]> {
  const type = (request.headers["content-type"] ?? "").toLowerCase();
  if (!type.startsWith("application/json") || !Array.isArray(request.body)) return [await collectParams(request, parameters)];
  if (request.body.length === 0) throw invalid("An empty list of sessions: give at least one.");
  const catalogue = byWireName(parameters);
  return (request.body as unknown[]).map((item) => {
    const { bag, put } = createBag(catalogue);
    addFormLike(put, request.query);
    addJson(put, item, catalogue);
    return bag;
  });
}

/**
 * The single value of a catalogued query parameter, case-insensitively; a repeated one
 * must not disagree. Routes read the query only through the catalogue, so every
 * parameter they read is documented.
 */
export function queryParam(request: FastifyRequest, p: SkahaParameter): string | undefined {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const wire = p.name.toLowerCase();
  const values: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (k.toLowerCase() !== wire) continue;
    for (const item of Array.isArray(v) ? v : [v]) values.push(scalar(p.name, item));
  }
  if (new Set(values).size > 1) throw invalid(`Parameter '${p.name}' was given with different values; give it once.`, { parameter: p.name });
  if (values[0] !== undefined) checkTextValue(p, values[0]);
  return values[0];
}

/** Parses a boolean flag such as `follow=true`. */
export function flagParam(request: FastifyRequest, p: SkahaParameter): boolean {
  const name = p.name;
  const v = queryParam(request, p);
  if (v === undefined) return false;
  const s = v.trim().toLowerCase();
  if (s === "" || s === "true" || s === "1" || s === "yes") return true;
  if (s === "false" || s === "0" || s === "no") return false;
  throw invalid(`Invalid value for '${name}': ${v}. Allowed: true, false.`, { parameter: name });
}

/** Parses a non-negative whole number such as `tail=100`. */
export function countParam(request: FastifyRequest, p: SkahaParameter): number | undefined {
  const name = p.name;
  const v = queryParam(request, p);
  if (v === undefined) return undefined;
  if (!/^\s*\d{1,9}\s*$/.test(v)) throw invalid(`Invalid value for '${name}': ${v}. Allowed: a whole number of lines, 0 or more.`, { parameter: name });
  return Number(v);
}
