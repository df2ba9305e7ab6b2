import { maxHeaderSize } from "node:http";
import { AppError } from "../domain/errors.js";

/**
 * What one HTTP request may carry (issue 11). Every limit is checked when the request
 * arrives and answered with a 413 (or 431 for headers) that names it: nothing is ever
 * cut short and accepted. docs/security.md lists them.
 */
export const REQUEST_LIMITS = {
  /** Any body (form, JSON, multipart): 1 MiB, far above a session's parameters. */
  bodyBytes: 1024 * 1024,
  /** Parameter values in one request: query string and body together, each repetition counted. */
  parameters: 1000,
  /** A multipart field's name; ours are short words. */
  multipartNameBytes: 100,
  /** Header lines of one multipart part (Content-Disposition and perhaps Content-Type). */
  multipartPartHeaders: 20,
  /** The request line and headers together: Node's limit (`--max-http-header-size`). */
  headerBytes: maxHeaderSize,
} as const;

const size = (bytes: number): string => (bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`);

/** `1048576 bytes (1 MiB)`: the exact number, and a readable one. */
export const describeBytes = (bytes: number): string => `${bytes} bytes${bytes >= 1024 ? ` (${size(bytes)})` : ""}`;

/** A 413 naming what was too large and the limit. */
export const tooLarge = (what: string, limit: string, details: Record<string, unknown> = {}): AppError =>
  new AppError("REQUEST_TOO_LARGE", `${what}: the limit is ${limit}.`, details);

export const bodyTooLarge = (): AppError => tooLarge("Request body too large", describeBytes(REQUEST_LIMITS.bodyBytes));

export const tooManyParameters = (): AppError => tooLarge("Too many parameters", `${REQUEST_LIMITS.parameters} values per request (query string and body together)`);
