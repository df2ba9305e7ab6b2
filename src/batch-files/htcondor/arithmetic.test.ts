import { describe, expect, it } from "vitest";
import { evaluateArithmetic } from "./arithmetic.js";

describe("submit-file arithmetic", () => {
  it.each([
    ["3 + 1", 4], ["2*5", 10], ["(1 + 2) * 3", 9], ["-4 + 10", 6], ["7 / 2", 3], ["7.0 / 2", 3.5], ["10 % 4", 2], ["1.5", 1.5], ["4096", 4096],
  ])("%s = %d", (text, value) => {
    expect(evaluateArithmetic(text)).toBe(value);
  });

  it.each(["", "max({60, Target.Memory})", "2 +", "1 / 0", "(1", "x"])("%s is not arithmetic", (text) => {
    expect(evaluateArithmetic(text)).toBeUndefined();
  });
});
