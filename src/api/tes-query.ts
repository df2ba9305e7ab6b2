import type { FastifyRequest } from "fastify";
import { TES_STATES, TES_VIEWS, type TesState, type TesView } from "../contracts/tes-task.js";
import { invalid } from "../domain/errors.js";

/** The most tasks one page may hold: the schema asks for less than 2048. */
export const TES_MAX_PAGE_SIZE = 2047;
export const TES_DEFAULT_PAGE_SIZE = 256;

/** Every value of a TES query parameter (names are exact, as the schema spells them). */
export function tesValues(request: FastifyRequest, name: string): string[] {
  const v = ((request.query ?? {}) as Record<string, unknown>)[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === "string");
}

function one(request: FastifyRequest, name: string): string | undefined {
  const values = tesValues(request, name);
  if (new Set(values).size > 1) throw invalid(`Parameter '${name}' was given with different values; give it once.`, { parameter: name });
  return values[0];
}

/** `view`: MINIMAL (the default), BASIC or FULL. */
export function tesView(request: FastifyRequest): TesView {
  const v = one(request, "view");
  if (v === undefined || v === "") return "MINIMAL";
  if (!(TES_VIEWS as readonly string[]).includes(v)) throw invalid(`Invalid value for 'view': ${JSON.stringify(v)}. Allowed: ${TES_VIEWS.join(", ")}.`, { parameter: "view" });
  return v as TesView;
}

export function tesState(request: FastifyRequest): TesState | undefined {
  const v = one(request, "state");
  if (v === undefined || v === "") return undefined;
  if (!(TES_STATES as readonly string[]).includes(v)) throw invalid(`Invalid value for 'state': ${JSON.stringify(v)}. Allowed: ${TES_STATES.join(", ")}.`, { parameter: "state" });
  return v as TesState;
}

export function tesPageSize(request: FastifyRequest): number {
  const v = one(request, "page_size");
  if (v === undefined || v === "") return TES_DEFAULT_PAGE_SIZE;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > TES_MAX_PAGE_SIZE) throw invalid(`Invalid value for 'page_size': ${JSON.stringify(v)}. Allowed: a whole number from 1 to ${TES_MAX_PAGE_SIZE}.`, { parameter: "page_size" });
  return Number(v);
}

/** `tag_key` zipped with `tag_value` (a missing value matches any). */
export function tesTagFilter(request: FastifyRequest): Record<string, string> {
  const keys = tesValues(request, "tag_key");
  const values = tesValues(request, "tag_value");
  if (values.length > keys.length) throw invalid("Parameter 'tag_value' was given more often than 'tag_key'; each value goes with the tag_key at its place.", { parameter: "tag_value" });
  return Object.fromEntries(keys.map((k, i) => [k, values[i] ?? ""]));
}
