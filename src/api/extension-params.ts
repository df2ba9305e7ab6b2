import type { FastifyRequest } from "fastify";
import { invalid } from "../domain/errors.js";
import { queryParam } from "./request-params.js";

/**
 * The query parameters of one of skyrun's own GET endpoints (accounting, batches,
 * notifications), each given at most once. A name the endpoint does not know is a 400
 * naming it: `?form=2026-01-01` silently giving this month's report would mislead.
 */
export function extensionParams<const N extends string>(request: FastifyRequest, endpoint: string, names: readonly N[]): Record<N, string | undefined> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(query)) {
    if (!(names as readonly string[]).includes(key.toLowerCase())) {
      throw invalid(`Unknown parameter '${key}' for GET ${endpoint}. Allowed: ${names.join(", ")}.`, { parameter: key });
    }
  }
  return Object.fromEntries(names.map((n) => [n, queryParam(request, n.toLowerCase())])) as Record<N, string | undefined>;
}

/** `format` of an export: json (the default) or csv. */
export function exportFormat(value: string | undefined): "json" | "csv" {
  const v = (value ?? "json").trim().toLowerCase();
  if (v === "json" || v === "csv") return v;
  throw invalid(`Invalid value for 'format': ${value ?? ""}. Allowed: json, csv.`, { parameter: "format" });
}
