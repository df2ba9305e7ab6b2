import { ApiError, ConnectionError, type ClientError } from "./client-error.js";

/**
 * When and how long to wait before trying a failed call again: exponential backoff with
 * full jitter (a random wait between 0 and the capped exponential), so many clients
 * retrying together spread out instead of hammering the server in step.
 */
export interface RetryPolicy {
  /** Attempts after the first. 0 disables retries. @defaultValue 4 */
  readonly retries: number;
  /** Cap of the first wait, in ms; it doubles per attempt. @defaultValue 250 */
  readonly minDelayMs: number;
  /** Longest wait between two attempts, in ms (also caps a server's Retry-After). @defaultValue 8000 */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 4, minDelayMs: 250, maxDelayMs: 8000 };

/**
 * How long to wait before attempt `attempt + 1` (attempt counts from 0), in ms. A
 * server's Retry-After wins when it is longer than the drawn wait, up to `maxDelayMs`.
 * `random` is injectable for tests; it must return a number in [0, 1).
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, error: ClientError, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** attempt);
  const drawn = Math.round(random() * ceiling);
  const asked = error instanceof ApiError && error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : 0;
  return Math.min(policy.maxDelayMs, Math.max(drawn, asked));
}

/**
 * Whether a failed call may be sent again. Idempotent calls (GET, DELETE, renew) are
 * retried on 502/503/504 and on any connection failure. A call that is not idempotent
 * (creating sessions) is retried only when the server surely did not act on it: a 503
 * (skyrun and the platform refuse before creating anything) or a connection that was
 * refused before the request was sent.
 */
export function mayRetry(error: ClientError, idempotent: boolean): boolean {
  if (!error.retryable) return false;
  if (idempotent) return true;
  if (error instanceof ApiError) return error.status === 503;
  return error instanceof ConnectionError && error.beforeSending;
}
