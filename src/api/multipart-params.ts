import type { IncomingMessage } from "node:http";
import type {} from "@fastify/multipart"; // request.parts() types
import type { FastifyRequest } from "fastify";
import { invalid, isAppError } from "../domain/errors.js";
import { REQUEST_LIMITS, bodyTooLarge, describeBytes, tooLarge, tooManyParameters } from "./request-limits.js";

/**
 * busboy's limits, as @fastify/multipart takes them. A field may be as large as a
 * whole body; anything over a limit is reported (below), never cut short. Multipart
 * bodies are not read by Fastify's body parser, so its `bodyLimit` does not apply to
 * them: `collectMultipart` counts their bytes itself. (busboy has no limit on field
 * names in multipart bodies; `collectMultipart` checks those too.)
 */
export const MULTIPART_OPTIONS = {
  limits: {
    fieldSize: REQUEST_LIMITS.bodyBytes,
    fields: REQUEST_LIMITS.parameters,
    parts: REQUEST_LIMITS.parameters,
    headerPairs: REQUEST_LIMITS.multipartPartHeaders,
    files: 0,
  },
} as const;

/** The boundary parameter of a multipart Content-Type, as busboy reads it. */
export function boundaryOf(contentType: string): string | undefined {
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** Counts a body's bytes as they pass and notices its closing delimiter `--boundary--`. */
function watchBody(raw: IncomingMessage, boundary: string): { readonly bytes: () => number; readonly closed: () => boolean; stop(): void } {
  const needle = Buffer.from(`\r\n--${boundary}--`);
  let bytes = 0;
  let closed = false;
  // The body may open with the closing delimiter itself (no parts): as if a line ended before it.
  let tail = Buffer.from("\r\n");
  const onData = (chunk: Buffer) => {
    bytes += chunk.length;
    if (closed) return;
    const window = Buffer.concat([tail, chunk]);
    closed = window.includes(needle);
    tail = Buffer.from(window.subarray(Math.max(0, window.length - needle.length + 1)));
  };
  raw.on("data", onData);
  return { bytes: () => bytes, closed: () => closed, stop: () => raw.off("data", onData) };
}

/** What went wrong in the multipart parser, as an answer the client can act on. */
function asRequestError(e: unknown): unknown {
  if (isAppError(e)) return e;
  const code = (e as { code?: unknown }).code;
  if (code === "FST_PARTS_LIMIT" || code === "FST_FIELDS_LIMIT") return tooManyParameters();
  if (code === "FST_FILES_LIMIT") return invalid("Unexpected file upload: send parameters as plain form fields (curl -F name=value, not -F name=@file).");
  if (code === "FST_PROTO_VIOLATION") return invalid("A multipart field may not be named __proto__ or constructor.");
  const message = e instanceof Error ? e.message : "";
  return invalid(`Malformed multipart/form-data body${/^[\w .,:'-]{1,120}$/.test(message) ? ` (${message})` : ""}: send parameters as form fields, e.g. curl -F name=value.`);
}

/**
 * Adds each field of a multipart/form-data body. Refuses (never truncates): a body
 * without a boundary or cut short before its closing delimiter (400), a body, field
 * or field name over its limit, and too many fields (413).
 */
export async function collectMultipart(request: FastifyRequest, add: (name: string, value: unknown) => void): Promise<void> {
  const boundary = boundaryOf(request.headers["content-type"] ?? "");
  if (boundary === undefined) {
    throw invalid("multipart/form-data without a boundary: the Content-Type must say how parts are separated, e.g. 'multipart/form-data; boundary=x1y2' (curl -F does this), or send application/x-www-form-urlencoded.");
  }
  if (Number(request.headers["content-length"]) > REQUEST_LIMITS.bodyBytes) throw bodyTooLarge();
  const iterator = request.parts()[Symbol.asyncIterator]();
  // The first next() pipes the request into the parser synchronously; counting starts in the same tick, before any data flows.
  let next = iterator.next();
  const watch = watchBody(request.raw, boundary);
  try {
    for (let result = await next; !result.done; result = await next) {
      const part = result.value;
      if (watch.bytes() > REQUEST_LIMITS.bodyBytes) throw bodyTooLarge();
      if (part.type === "file") {
        part.file.resume();
        throw invalid(`Unexpected file upload in field '${part.fieldname}': send parameters as plain form fields.`, { parameter: part.fieldname });
      }
      if (part.fieldnameTruncated || Buffer.byteLength(part.fieldname) > REQUEST_LIMITS.multipartNameBytes) {
        throw tooLarge("A multipart field name is too long", describeBytes(REQUEST_LIMITS.multipartNameBytes));
      }
      if (part.valueTruncated) throw tooLarge(`Multipart field '${part.fieldname}' is too large`, `${describeBytes(REQUEST_LIMITS.bodyBytes)} per field`, { parameter: part.fieldname });
      add(part.fieldname, part.value);
      next = iterator.next();
    }
  } catch (e) {
    // Stop parsing what is left: it would only be buffered for nobody. The answer closes the connection.
    request.raw.unpipe();
    request.raw.resume();
    throw asRequestError(e);
  } finally {
    watch.stop();
  }
  if (watch.bytes() > REQUEST_LIMITS.bodyBytes) throw bodyTooLarge();
  if (!watch.closed()) throw invalid("The multipart/form-data body ended before its closing boundary: it was cut short, so none of it is used.");
}
