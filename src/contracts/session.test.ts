import { describe, expect, it } from "vitest";
import { hasStartedStatus, isDoneStatus, isFailedStatus } from "./session.js";

describe("status words", () => {
  it("treats v0 Succeeded, v1 Completed, Failed and Error as done, in any letter case", () => {
    for (const s of ["Succeeded", "Completed", "Failed", "Error", "completed"]) expect(isDoneStatus(s)).toBe(true);
    for (const s of ["Pending", "Running", "Terminating", "Unknown"]) expect(isDoneStatus(s)).toBe(false);
  });

  it("counts Failed and Error as failures, and anything from Running on as started", () => {
    expect(["Failed", "Error", "Completed"].map(isFailedStatus)).toEqual([true, true, false]);
    expect(["Pending", "Running", "Terminating", "Succeeded", "Failed"].map(hasStartedStatus)).toEqual([false, true, true, true, true]);
  });
});
