import { describe, expect, it } from "vitest";
import { LaunchGate } from "./launch-gate.js";

describe("the launch gate", () => {
  it("runs at most its limit at once and the rest in arrival order, even when tasks fail", async () => {
    const gate = new LaunchGate(2);
    let inFlight = 0;
    let most = 0;
    const order: number[] = [];
    const releases: (() => void)[] = [];
    const tasks = Array.from({ length: 5 }, (_, i) => gate.run(async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      order.push(i);
      await new Promise<void>((r) => releases.push(r));
      inFlight--;
      if (i === 1) throw new Error("refused");
      return i;
    }));
    const settled = Promise.allSettled(tasks); // observed from the start: the refused one is not unhandled
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([0, 1]);
    expect(gate.queued).toBe(3);
    while (order.length < 5 || releases.length > 0) {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    const results = await settled;
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
  });
});
