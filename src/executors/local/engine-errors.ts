import { ExecutorError } from "../../domain/errors.js";

interface EngineHttpError {
  statusCode?: number;
  json?: { message?: string; cause?: string } | null;
  reason?: string;
  code?: string;
  message?: string;
}

/** The engine's own words for a failed call, without dockerode's prefixes. */
export function engineMessage(e: unknown): string {
  const err = e as EngineHttpError;
  const fromJson = err.json && typeof err.json === "object" ? err.json.message ?? err.json.cause : undefined;
  return (fromJson ?? err.message ?? String(e)).replace(/^\(HTTP code \d+\) [\w ]+ - /, "").trim();
}

export const statusCodeOf = (e: unknown): number | undefined => (e as EngineHttpError).statusCode;

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ENOENT", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EAI_AGAIN"]);

/**
 * Classifies an engine failure: connection problems and 5xx are UNAVAILABLE (retry),
 * 4xx are REJECTED (the request itself is wrong and will stay wrong).
 */
export function toExecutorError(e: unknown, doing: string): ExecutorError {
  const err = e as EngineHttpError;
  const status = err.statusCode;
  if ((err.code && CONNECTION_CODES.has(err.code)) || status === undefined || status >= 500) {
    return new ExecutorError("EXECUTOR_UNAVAILABLE", `container engine unavailable while ${doing}: ${engineMessage(e)}`, { cause: e });
  }
  return new ExecutorError("EXECUTOR_REJECTED", `${doing}: ${engineMessage(e)}`, { cause: e });
}
