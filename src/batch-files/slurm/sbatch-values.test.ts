import { describe, expect, it } from "vitest";
import { expandFilenamePattern } from "./filename-pattern.js";
import { parseAfterOk, parseArraySpec, parseGpuCount, parseSlurmSizeGB, parseSlurmTime } from "./sbatch-values.js";

describe("sbatch values", () => {
  it.each([["30", 1800], ["5:30", 330], ["2:00:00", 7200], ["1-0", 86400], ["1-2:30", 95400], ["2-00:00:01", 172801], ["0", null], ["UNLIMITED", null], ["1:2:3:4", undefined], ["soon", undefined]])("--time=%s", (text, seconds) => {
    expect(parseSlurmTime(text)).toBe(seconds);
  });

  it.each([["8G", 8], ["8192", 8], ["1500M", 1.465], ["512K", 0.001], ["1T", 1024], ["4GB", 4], ["lots", undefined]])("--mem=%s", (text, gb) => {
    expect(parseSlurmSizeGB(text)).toBe(gb);
  });

  it("reads array specs with steps, lists and a running limit", () => {
    expect(parseArraySpec("0-15:4%2", 100)).toEqual({ indexes: [0, 4, 8, 12], step: 4, maxRunning: 2 });
    expect(parseArraySpec("1,3,5-7", 100)).toEqual({ indexes: [1, 3, 5, 6, 7], step: 1 });
    expect(parseArraySpec("0-200", 100)).toBeUndefined();
    expect(parseArraySpec("3-1", 100)).toBeUndefined();
    expect(parseArraySpec("1-3%x", 100)).toBeUndefined();
  });

  it("counts GPUs in --gres and --gpus, and reads afterok lists", () => {
    expect(parseGpuCount("gpu:2", "gres")).toBe(2);
    expect(parseGpuCount("gpu", "gres")).toBe(1);
    expect(parseGpuCount("gpu:a100:4", "gres")).toBe(4);
    expect(parseGpuCount("gpu:1,mps:10", "gres")).toBeUndefined();
    expect(parseGpuCount("v100:2", "gpus")).toBe(2);
    expect(parseAfterOk("afterok:12:13_4,afterok:abcdefgh")).toEqual(["12", "13_4", "abcdefgh"]);
    expect(parseAfterOk("afterok:12?afterok:13")).toBeUndefined();
    expect(parseAfterOk("singleton")).toBeUndefined();
  });

  it("fills filename patterns as sbatch does: padding, %%, and a backslash turning it off", () => {
    const v = { jobId: 128, arrayJobId: 120, arrayIndex: 7, jobName: "fit", user: "alice" };
    expect(expandFilenamePattern("job%4j-%x-%A_%3a-%u.out", v)).toBe("job0128-fit-120_007-alice.out");
    expect(expandFilenamePattern("%J %s %t %n 100%%", v)).toBe("128.batch batch 0 0 100%");
    expect(expandFilenamePattern("raw\\%j.out", v)).toBe("raw%j.out");
    expect(expandFilenamePattern("%a", { jobId: 1, arrayJobId: 1, jobName: "x" })).toBe("4294967294");
    expect(() => expandFilenamePattern("%N.out", v)).toThrow(/host name of the node/);
  });
});
