import { describe, expect, it } from "vitest";
import { AppError } from "./errors.js";
import { EXEC_LIMITS, SKYRUN_ENV_BYTES, checkExecLimits, type ExecInput } from "./exec-limits.js";

const input = (o: Partial<ExecInput>): ExecInput => ({ command: ["sh"], args: null, env: [], replicas: 1, ...o });
const refusal = (o: Partial<ExecInput>): AppError => {
  try {
    checkExecLimits(input(o));
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
};

describe("the kernel's exec limits, checked at submission (issue 11)", () => {
  it("takes one argument of 131071 bytes and refuses one byte more, naming MAX_ARG_STRLEN", () => {
    expect(() => { checkExecLimits(input({ args: ["a".repeat(131_071)] })); }).not.toThrow();
    const e = refusal({ args: ["-c", "a".repeat(131_072)] });
    expect(e.code).toBe("VALIDATION_FAILED");
    expect(e.message).toMatch(/^Invalid value for 'args': argument 2 is 131072 bytes; .*MAX_ARG_STRLEN, 128 KiB/);
  });

  it("counts an env entry as KEY=VALUE, so a 300 KB value is refused whole, not cut short", () => {
    const e = refusal({ env: [["SMALL", "x"], ["BIG", "v".repeat(300_000)]] });
    expect(e.message).toMatch(/^Invalid value for 'env': entry 2 is 300004 bytes/);
    expect(() => { checkExecLimits(input({ env: [["K", "v".repeat(131_071 - 2)]] })); }).not.toThrow();
    expect(refusal({ env: [["K", "v".repeat(131_071 - 1)]] }).details).toMatchObject({ parameter: "env", limit: "MAX_ARG_STRLEN" });
  });

  it("measures multi-byte characters in bytes", () => {
    expect(refusal({ command: ["é".repeat(65_536)] }).message).toMatch(/^Invalid value for 'cmd': argument 1 is 131072 bytes/);
  });

  it("takes 150,000 one-letter arguments (the issue's sweep) and refuses what would pass ARG_MAX with skyrun's own variables", () => {
    expect(() => { checkExecLimits(input({ args: Array.from({ length: 150_000 }, () => "a") })); }).not.toThrow();
    // Each argument costs its bytes, its NUL and an 8-byte pointer.
    const room = EXEC_LIMITS.totalBytes - EXEC_LIMITS.reserveBytes - SKYRUN_ENV_BYTES - (3 + 8);
    const fits = Math.floor(room / 10);
    expect(() => { checkExecLimits(input({ args: Array.from({ length: fits }, () => "a") })); }).not.toThrow();
    const e = refusal({ args: Array.from({ length: fits + 1 }, () => "a") });
    expect(e.message).toMatch(/the kernel starts no program with more than 2097152 \(ARG_MAX, 2 MiB\)/);
    expect(e.details).toMatchObject({ limit: "ARG_MAX" });
  });

  it("refuses replicas that would store more than 16 MiB of arguments, as a 413", () => {
    expect(() => { checkExecLimits(input({ args: ["x".repeat(1000)], replicas: 10_000 })); }).not.toThrow();
    const e = refusal({ args: ["x".repeat(2000)], replicas: 10_000 });
    expect(e.code).toBe("REQUEST_TOO_LARGE");
    expect(e.message).toContain("the limit is 16777216 bytes (16 MiB) per request");
  });
});
