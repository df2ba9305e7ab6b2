import type { FastifyRequest } from "fastify";
import type { SkahaParameter } from "../contracts/skaha-parameters.js";
import { invalid } from "../domain/errors.js";
import { queryParam } from "./request-params.js";

/**
 * The query parameters of one of skyrun's own GET endpoints (accounting, batches,
 * notifications), read through their catalogue entries, each given at most once. A name
 * the endpoint does not know is a 400 naming it: `?form=2026-01-01` silently giving this
 * month's report would mislead.
 */
export function extensionParams<const K extends string>(request: FastifyRequest, endpoint: string, params: Readonly<Record<K, SkahaParameter>>): Record<K, string | undefined> {
  const entries = Object.entries(params) as [K, SkahaParameter][];
  const wire = entries.map(([, p]) => p.name.toLowerCase());
  const query = (request.query ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(query)) {
    if (!wire.includes(key.toLowerCase())) {
      const allowed = entries.map(([, p]) => p.name).join(", ") || "none";
      throw invalid(`Unknown parameter '${key}' for GET ${endpoint}. Allowed: ${allowed}.`, { parameter: key });
    }
  }
  return Object.fromEntries(entries.map(([k, p]) => [k, queryParam(request, p)])) as Record<K, string | undefined>;
}

/** `format` of an export: json (the default) or csv. */
export function exportFormat(value: string | undefined): "json" | "csv" {
  const v = (value ?? "json").trim().toLowerCase();
  if (v === "json" || v === "csv") return v;
  throw invalid(`Invalid value for 'format': ${value ?? ""}. Allowed: json, csv.`, { parameter: "format" });
}
