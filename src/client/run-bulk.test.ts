import { describe, expect, it } from "vitest";
import { ApiError } from "./client-error.js";
import { runBulk } from "./run-bulk.js";

describe("bulk calls", () => {
  it("keeps at most `concurrency` calls in flight and reports every item in key order", async () => {
    let inFlight = 0;
    let most = 0;
    const settled: number[] = [];
    const r = await runBulk([1, 2, 3, 4, 5, 6, 7], async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 10 * (8 - n)));
      inFlight--;
      if (n % 3 === 0) throw new ApiError(404, `session ${n} not found`, "GET", "http://h");
      return n * 10;
    }, { concurrency: 3, onSettled: (_r, count) => settled.push(count) });
    expect(most).toBe(3);
    expect(r.items.map((i) => i.key)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.succeeded.map((s) => s.value)).toEqual([10, 20, 40, 50, 70]);
    expect(r.failed.map((f) => [f.key, f.error.message])).toEqual([[3, "GET http://h: 404 session 3 not found"], [6, "GET http://h: 404 session 6 not found"]]);
    expect(settled).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("rethrows a bug (not a ClientError) once all calls settled", async () => {
    let finished = 0;
    await expect(runBulk([1, 2, 3], async (n) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      finished++;
      if (n === 1) throw new TypeError("a bug");
      return n;
    })).rejects.toThrow("a bug");
    expect(finished).toBe(3);
  });
});
