import { describe, expect, it } from "vitest";
import { ApiError, ConnectionError, InvalidRequestError } from "./client-error.js";
import { DEFAULT_RETRY_POLICY, mayRetry, retryDelayMs } from "./retry-policy.js";

const status = (n: number, retryAfterSeconds?: number) => new ApiError(n, "x", "GET", "http://h/skaha/v1/session", retryAfterSeconds);
const refused = new ConnectionError("refused", "ECONNREFUSED", "http://h", true);
const reset = new ConnectionError("reset", "ECONNRESET", "http://h", false);

describe("retry policy", () => {
  it("retries idempotent calls on 502/503/504 and connection failures, never on other statuses", () => {
    for (const n of [502, 503, 504]) expect(mayRetry(status(n), true)).toBe(true);
    for (const n of [400, 401, 403, 404, 409, 429, 500]) expect(mayRetry(status(n), true)).toBe(false);
    expect(mayRetry(reset, true)).toBe(true);
    expect(mayRetry(new InvalidRequestError("bad"), true)).toBe(false);
  });

  it("retries a creation only when the server surely did nothing: a 503, or a connection refused before sending", () => {
    expect(mayRetry(status(503), false)).toBe(true);
    expect(mayRetry(status(502), false)).toBe(false);
    expect(mayRetry(refused, false)).toBe(true);
    expect(mayRetry(reset, false)).toBe(false);
  });

  it("draws waits with full jitter under a doubling cap, and honours Retry-After up to the maximum", () => {
    const p = { retries: 5, minDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4].map((a) => retryDelayMs(p, a, status(503), () => 0.9999999))).toEqual([100, 200, 400, 800, 1000]);
    expect(retryDelayMs(p, 3, status(503), () => 0)).toBe(0);
    expect(retryDelayMs(p, 0, status(503, 0.5), () => 0)).toBe(500);
    expect(retryDelayMs(p, 0, status(503, 60), () => 0)).toBe(1000);
    expect(DEFAULT_RETRY_POLICY).toEqual({ retries: 4, minDelayMs: 250, maxDelayMs: 8000 });
  });
});
