import { describe, expect, it } from "vitest";
import { FairShare } from "./fair-share.js";

const HOUR = 3_600_000;

describe("fair share", () => {
  it("halves usage every half-life", () => {
    const f = new FairShare(HOUR, 0);
    f.charge("alice", 100, 0);
    expect(f.usageAt("alice", HOUR)).toBeCloseTo(50);
    expect(f.usageAt("alice", 2 * HOUR)).toBeCloseTo(25);
  });

  it("ranks older heavy usage below recent lighter usage once it has decayed", () => {
    const f = new FairShare(HOUR, 0);
    f.charge("old", 100, 0);
    f.charge("recent", 30, 2 * HOUR);
    expect(f.rank("old")).toBeLessThan(f.rank("recent")); // 25 vs 30 core-seconds now
  });

  it("orders users the same whenever it is asked (ranks do not drift with time)", () => {
    const f = new FairShare(HOUR, 0);
    f.charge("a", 10, 0);
    f.charge("b", 20, 0);
    const before = f.rank("a") < f.rank("b");
    expect(f.rank("a") < f.rank("b")).toBe(before);
  });
});
