/**
 * Stable error codes. Each maps to one HTTP status in `api/error-status.ts` and is
 * listed in `docs/errors.md`. Codes are never renamed once shipped.
 */
export const ERROR_CODES = [
  "VALIDATION_FAILED",
  "REQUEST_TOO_LARGE",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "JOB_NOT_FOUND",
  "CONFLICT",
  "JOB_ILLEGAL_TRANSITION",
  "QUOTA_EXCEEDED",
  "EXECUTOR_REJECTED",
  "EXECUTOR_UNAVAILABLE",
  "IDENTITY_PROVIDER_UNAVAILABLE",
  "INTERNAL",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error whose message is meant for the user: it names what was wrong and what is allowed. */
export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** UNAVAILABLE = try again later (socket down, API 5xx). REJECTED = this spec can never run there. */
export class ExecutorError extends AppError {
  override name = "ExecutorError";
  constructor(code: "EXECUTOR_UNAVAILABLE" | "EXECUTOR_REJECTED", message: string, options?: ErrorOptions) {
    super(code, message, {}, options);
  }
  get retryable(): boolean {
    return this.code === "EXECUTOR_UNAVAILABLE";
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** Shorthand for the most common error: bad input, with a message naming the parameter. */
export const invalid = (message: string, details: Record<string, unknown> = {}): AppError =>
  new AppError("VALIDATION_FAILED", message, details);

/** Normalises anything thrown into an Error, keeping the original as `cause`. */
export function toError(e: unknown): Error {
  if (e instanceof Error) return e;
  return new Error(typeof e === "string" ? e : JSON.stringify(e), { cause: e });
}
