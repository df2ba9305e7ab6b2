import type { ErrorCode } from "../../domain/errors.js";

/**
 * What each error code means, as docs/errors.md says it (a test keeps the two equal);
 * the API documentation lists them under each status an operation may answer. A code
 * without a meaning fails to compile.
 */
export const ERROR_MEANINGS = {
  VALIDATION_FAILED: "A parameter is missing or not allowed; the message names it and says what is.",
  REQUEST_TOO_LARGE: "The body, a multipart field or the number of parameters is over one of [the limits](security.md#limits); the message names it.",
  UNAUTHENTICATED: "No credentials, or invalid, expired, revoked or untrusted ones.",
  FORBIDDEN: "Authenticated, but not allowed (not in the users group; `view=all` without being an administrator where `auth.viewAll: admins`).",
  NOT_FOUND: "No such user, token or endpoint.",
  JOB_NOT_FOUND: "No such session — or another user's, which is reported the same way.",
  CONFLICT: "The name, uid, DN or gid is already taken.",
  JOB_ILLEGAL_TRANSITION: "The session cannot make that change in its current state.",
  QUOTA_EXCEEDED: "A per-user limit (queued sessions) would be exceeded; the message says which.",
  EXECUTOR_REJECTED: "The engine refused the request and will keep refusing it.",
  EXECUTOR_UNAVAILABLE: "The container engine (or Slurm) cannot be reached right now; retry.",
  IDENTITY_PROVIDER_UNAVAILABLE: "The OIDC issuer's keys could not be fetched, so a token cannot be checked yet; retry.",
  INTERNAL: "A bug. The body says only \"Internal error\"; the server log has the details.",
} as const satisfies Record<ErrorCode, string>;
