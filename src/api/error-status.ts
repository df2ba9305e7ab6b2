import { isAppError, type ErrorCode } from "../domain/errors.js";
import { bodyTooLarge } from "./request-limits.js";

/** The only place that knows HTTP status codes. A code without a status fails to compile. */
export const HTTP_STATUS = {
  VALIDATION_FAILED: 400,
  REQUEST_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  JOB_NOT_FOUND: 404,
  CONFLICT: 409,
  JOB_ILLEGAL_TRANSITION: 409,
  QUOTA_EXCEEDED: 429,
  EXECUTOR_REJECTED: 422,
  EXECUTOR_UNAVAILABLE: 503,
  IDENTITY_PROVIDER_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const satisfies Record<ErrorCode, number>;

/** Errors Fastify raises before our handlers run (bad JSON, unsupported type, body too large). */
interface FrameworkError {
  statusCode?: number;
  code?: string;
  message?: string;
}

export interface ErrorResponse {
  readonly status: number;
  /** An ErrorCode, or Fastify's own code (FST_ERR_…) for errors raised before our handlers. */
  readonly code: string;
  /** A sentence for the user; never internals on a 5xx. */
  readonly message: string;
}

export function toErrorResponse(err: unknown): ErrorResponse {
  if (isAppError(err)) {
    const status = HTTP_STATUS[err.code];
    return { status, code: err.code, message: status >= 500 && err.code === "INTERNAL" ? "Internal error; see the server log." : err.message };
  }
  const f = err as FrameworkError;
  if (typeof f.statusCode === "number" && f.statusCode >= 400 && f.statusCode < 500) {
    const message = f.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE"
      ? "Unsupported Content-Type: send application/x-www-form-urlencoded, multipart/form-data or application/json (or parameters in the query string)."
      : f.code === "FST_ERR_CTP_BODY_TOO_LARGE" ? bodyTooLarge().message : (f.message ?? "Bad request");
    return { status: f.statusCode, code: f.code ?? "VALIDATION_FAILED", message };
  }
  return { status: 500, code: "INTERNAL", message: "Internal error; see the server log." };
}
