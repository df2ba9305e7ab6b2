import type {} from "@fastify/multipart"; // request.parts() and isMultipart() types
import type { FastifyRequest } from "fastify";
import { invalid } from "../domain/errors.js";
import type { ParamValue, Params } from "../domain/create-request.js";

type Bag = Map<string, ParamValue[]>;

const add = (bag: Bag, name: string, value: ParamValue): void => {
  const key = name.toLowerCase();
  const list = bag.get(key);
  if (list) list.push(value);
  else bag.set(key, [value]);
};

const scalar = (name: string, v: unknown): string => {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw invalid(`Invalid value for '${name}': expected a string or number.`, { parameter: name });
};

/** Adds a query-string or form object, where repeated names arrive as arrays. */
function addFormLike(bag: Bag, source: unknown): void {
  if (!source || typeof source !== "object") return;
  for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
    for (const v of Array.isArray(value) ? value : [value]) add(bag, name, scalar(name, v));
  }
}

/**
 * JSON bodies may carry `cmd`/`args` as argv arrays (taken as is, no splitting) and
 * `env` as an object or a list of KEY=VALUE.
 */
function addJson(bag: Bag, body: unknown): void {
  if (body === undefined || body === null) return;
  if (typeof body !== "object" || Array.isArray(body)) throw invalid("A JSON body must be an object of parameters, e.g. {\"name\": \"x\", \"image\": \"…\"}.");
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    const key = name.toLowerCase();
    if ((key === "cmd" || key === "args") && Array.isArray(value)) {
      add(bag, key, { argv: value.map((v) => scalar(name, v)) });
    } else if (key === "env" && value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) add(bag, key, `${k}=${scalar(`env.${k}`, v)}`);
    } else if (Array.isArray(value)) {
      for (const v of value) add(bag, key, scalar(name, v));
    } else if (value !== null && value !== undefined) {
      add(bag, key, scalar(name, value));
    }
  }
}

/**
 * All parameters of a request, by lower-case name (the platform treats names
 * case-insensitively): the query string plus an x-www-form-urlencoded, multipart or
 * JSON body. The platform drops query parameters when the body is not a form; we
 * do not.
 */
export async function collectParams(request: FastifyRequest): Promise<Params> {
  const bag: Bag = new Map();
  addFormLike(bag, request.query);
  const type = (request.headers["content-type"] ?? "").toLowerCase();
  if (type.startsWith("multipart/form-data") && request.isMultipart()) {
    for await (const part of request.parts()) {
      if (part.type === "field") add(bag, part.fieldname, scalar(part.fieldname, part.value));
      else {
        part.file.resume();
        throw invalid(`Unexpected file upload in field '${part.fieldname}': send parameters as plain form fields.`, { parameter: part.fieldname });
      }
    }
  } else if (type.startsWith("application/json")) {
    addJson(bag, request.body);
  } else {
    addFormLike(bag, request.body);
  }
  return bag;
}

/** The single value of a query parameter, case-insensitively; a repeated one must not disagree. */
export function queryParam(request: FastifyRequest, name: string): string | undefined {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const values: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (k.toLowerCase() !== name) continue;
    for (const item of Array.isArray(v) ? v : [v]) values.push(scalar(name, item));
  }
  if (new Set(values).size > 1) throw invalid(`Parameter '${name}' was given with different values; give it once.`, { parameter: name });
  return values[0];
}

/** Parses a boolean flag such as `follow=true`. */
export function flagParam(request: FastifyRequest, name: string): boolean {
  const v = queryParam(request, name);
  if (v === undefined) return false;
  const s = v.trim().toLowerCase();
  if (s === "" || s === "true" || s === "1" || s === "yes") return true;
  if (s === "false" || s === "0" || s === "no") return false;
  throw invalid(`Invalid value for '${name}': ${v}. Allowed: true, false.`, { parameter: name });
}

/** Parses a non-negative whole number such as `tail=100`. */
export function countParam(request: FastifyRequest, name: string): number | undefined {
  const v = queryParam(request, name);
  if (v === undefined) return undefined;
  if (!/^\s*\d{1,9}\s*$/.test(v)) throw invalid(`Invalid value for '${name}': ${v}. Allowed: a whole number of lines, 0 or more.`, { parameter: name });
  return Number(v);
}
