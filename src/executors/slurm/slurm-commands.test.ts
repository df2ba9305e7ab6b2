import { describe, expect, it } from "vitest";
import { toExecutorError } from "./slurm-commands.js";

describe("Slurm command failures", () => {
  it("a controller that cannot be reached is EXECUTOR_UNAVAILABLE: try again later", () => {
    const e = toExecutorError("the job", { code: 1, stdout: "", stderr: "sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)\n" });
    expect(e.code).toBe("EXECUTOR_UNAVAILABLE");
    expect(e.message).toBe("Slurm is unavailable (the job): Batch job submission failed: Unable to contact slurm controller (connect failure)");
  });

  it("a command that did not run to an answer (killed at the timeout, not found) is EXECUTOR_UNAVAILABLE", () => {
    expect(toExecutorError("listing jobs", { code: -1, stdout: "", stderr: "squeue: spawn squeue ENOENT" }).code).toBe("EXECUTOR_UNAVAILABLE");
  });

  it("a refusal is EXECUTOR_REJECTED, in Slurm's words", () => {
    const e = toExecutorError("the job", { code: 1, stdout: "", stderr: "sbatch: error: Batch job submission failed: Requested node configuration is not available\n" });
    expect(e.code).toBe("EXECUTOR_REJECTED");
    expect(e.message).toBe("Slurm refused the job: Batch job submission failed: Requested node configuration is not available");
  });
});
