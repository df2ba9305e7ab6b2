import { describe, expect, it } from "vitest";
import { reserveFor, takeBackfill } from "./backfill.js";

const d = (cores: number, ramGB = cores) => ({ cores, ramGB, gpus: 0 });

describe("EASY backfill", () => {
  it("reserves the head's start at the earliest end that frees enough", () => {
    const plan = reserveFor(d(8), d(2), [{ demand: d(7), expectedEndMs: 5000 }, { demand: d(7), expectedEndMs: 3000 }], 0);
    expect(plan).toEqual({ startMs: 3000, spare: d(1) });
  });

  it("lets a small job start only if it fits in what stays spare, and takes that spare", () => {
    const plan = reserveFor(d(8), d(2), [{ demand: d(7), expectedEndMs: 3000 }], 0)!;
    expect(takeBackfill(d(2), 99_000, plan)).toBe(false); // would leave 7 < 8 at the reserved start
    expect(takeBackfill(d(1), 99_000, plan)).toBe(true);
    expect(takeBackfill(d(1), 99_000, plan)).toBe(false); // spare used up
  });

  it("lets any job start that ends before the reservation", () => {
    const plan = reserveFor(d(8), d(2), [{ demand: d(7), expectedEndMs: 3000 }], 0)!;
    expect(takeBackfill(d(2), 2000, plan)).toBe(true);
  });

  it("has no reservation for a request that can never fit", () => {
    expect(reserveFor(d(32), d(0), [{ demand: d(16), expectedEndMs: 1 }], 0)).toBeUndefined();
  });
});
