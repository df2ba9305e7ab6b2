import { describe, expect, it } from "vitest";
import { canTransition, isTerminal, JOB_STATES, NEXT_STATES } from "./job.js";

describe("job state machine", () => {
  it("has no way out of a terminal state", () => {
    for (const s of ["succeeded", "failed", "cancelled"] as const) {
      expect(isTerminal(s)).toBe(true);
      for (const to of JOB_STATES) expect(canTransition(s, to)).toBe(false);
    }
  });

  it("lets a deleted running job end only as cancelled", () => {
    expect(NEXT_STATES.terminating).toEqual(["cancelled"]);
    expect(canTransition("terminating", "queued")).toBe(false); // a deleted job is never retried
  });

  it("lets a trivial job finish straight from starting (it exited before we saw it run)", () => {
    expect(canTransition("starting", "succeeded")).toBe(true);
    expect(canTransition("starting", "failed")).toBe(true);
  });
});
