import { describe, expect, it } from "vitest";
import { parseExitRecord } from "./exit-record.js";

describe("exit records", () => {
  it("reads what the wrapper writes", () => {
    expect(parseExitRecord("exit_code=7\noom_killed=false\nstarted_at=1700000000\nfinished_at=1700000004\nreason=\n")).toEqual({
      exitCode: 7, oomKilled: false, startedAt: new Date(1_700_000_000_000), finishedAt: new Date(1_700_000_004_000),
    });
  });

  it("keeps a reason, which may contain '='", () => {
    expect(parseExitRecord("exit_code=125\noom_killed=false\nstarted_at=1\nfinished_at=2\nreason=ImagePullFailed: a=b\n")?.reason).toBe("ImagePullFailed: a=b");
  });

  it("reads OOM kills", () => {
    expect(parseExitRecord("exit_code=137\noom_killed=true\nstarted_at=1\nfinished_at=2\n")?.oomKilled).toBe(true);
  });

  it("ignores an incomplete or damaged record", () => {
    expect(parseExitRecord("exit_code=7\n")).toBeUndefined();
    expect(parseExitRecord("exit_code=x\nfinished_at=2\n")).toBeUndefined();
    expect(parseExitRecord("")).toBeUndefined();
  });
});
