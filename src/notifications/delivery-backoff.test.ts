import { describe, expect, it } from "vitest";
import { backoffMs } from "./delivery-backoff.js";

describe("notification back-off (issue 12)", () => {
  it("doubles from the first wait up to the cap, spread by at most a tenth", () => {
    const s = { backoffSeconds: 2, maxBackoffSeconds: 60 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, s, () => 0.5))).toEqual([2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
    expect(backoffMs(1, s, () => 0)).toBe(1800);
    expect(backoffMs(1, s, () => 0.999_999)).toBe(2200);
  });
});
