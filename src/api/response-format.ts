import type { FastifyReply, FastifyRequest } from "fastify";
import { SKYRUN_JSON_MEDIA_TYPE } from "../contracts/platform.js";
import { FORMAT_PARAMETER } from "../contracts/skaha-parameters.js";
import { invalid } from "../domain/errors.js";
import type { Params } from "../domain/create-request.js";
import { queryParam } from "./request-params.js";

/**
 * How a skaha answer that the platform gives in `text/plain` is shaped: as the platform
 * does (`text`), or as JSON (`json`) when the client opts in explicitly.
 *
 * The platform ignores `Accept` on these calls, and its Python client sends
 * `Accept: application/json` on every request while parsing the text (issue 14), so
 * `application/json` in `Accept` never switches an answer to JSON. The opt-in is either
 * the parameter `format=json` or `Accept: application/vnd.skyrun+json`; the parameter
 * wins when both are given (`format=text` forces the platform's answer).
 */
export type ResponseFormat = "text" | "json";

const FORMATS: readonly ResponseFormat[] = ["text", "json"];

function parseFormat(value: string): ResponseFormat {
  const v = value.trim().toLowerCase();
  if (!(FORMATS as readonly string[]).includes(v)) throw invalid(`Invalid value for 'format': ${value}. Allowed: json, text.`, { parameter: "format" });
  return v as ResponseFormat;
}

/** True when `Accept` lists skyrun's JSON media type with a non-zero quality. */
export function acceptsSkyrunJson(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(",").some((range) => {
    const [type, ...options] = range.split(";").map((s) => s.trim().toLowerCase());
    if (type !== SKYRUN_JSON_MEDIA_TYPE) return false;
    const q = options.find((o) => o.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** The format a GET asks for: `format` from the query string, else the `Accept` header. */
export function requestedFormat(request: FastifyRequest): ResponseFormat {
  const format = queryParam(request, FORMAT_PARAMETER);
  if (format !== undefined) return parseFormat(format);
  return acceptsSkyrunJson(request.headers.accept) ? "json" : "text";
}

/**
 * For `POST /session`, whose parameters come from the query string and the body alike:
 * the format asked for, and the parameters without `format` (it shapes the answer; it
 * is not a session parameter).
 */
export function takeFormat(request: FastifyRequest, params: Params): { format: ResponseFormat; params: Params } {
  const values = params.get("format");
  if (values === undefined) return { format: acceptsSkyrunJson(request.headers.accept) ? "json" : "text", params };
  const texts = new Set(values.map((v) => (typeof v === "string" ? v.trim().toLowerCase() : "")));
  if (texts.size > 1) throw invalid("Parameter 'format' was given with different values; give it once.", { parameter: "format" });
  const first = values[0];
  const format = parseFormat(typeof first === "string" ? first : "");
  const rest = new Map(params);
  rest.delete("format");
  return { format, params: rest };
}

/** Marks an answer whose shape depends on `Accept`, so caches keep the two apart. */
export function varyOnAccept(reply: FastifyReply): FastifyReply {
  return reply.header("vary", "Accept");
}
