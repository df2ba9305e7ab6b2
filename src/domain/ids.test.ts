import { describe, expect, it } from "vitest";
import { isJobId, newJobId } from "./ids.js";

describe("job ids", () => {
  it("are 8 characters, a letter then letters or digits, and do not repeat", () => {
    const ids = Array.from({ length: 20_000 }, newJobId);
    expect(ids.every(isJobId)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("use every letter and digit about equally often", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) for (const c of newJobId().slice(1)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(36);
    const expected = (20_000 * 7) / 36;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.1);
  });
});
