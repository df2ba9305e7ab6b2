import { describe, expect, it } from "vitest";
import { memoryHost } from "../../../test/support/memory-submit-host.js";
import { queuedJobs } from "./queue-items.js";
import { parseQueueStatement, QueueSyntaxError } from "./queue-statement.js";

const dir = "/arc/home/alice/jobs";
const host = memoryHost({
  [`${dir}/initial.dat`]: "", [`${dir}/middle.dat`]: "", [`${dir}/ending.dat`]: "", [`${dir}/notes.txt`]: "",
  [`${dir}/samplerun/A.dat`]: "", [`${dir}/samplerun/B.dat`]: "", [`${dir}/run-1/x`]: "", [`${dir}/run-2/x`]: "",
  [`${dir}/params.csv`]: "# name, options\nfile1, -a -b 26\n\n  file2,-c   -d 92  \nfile 3 with spaces\n",
});

/** The jobs of a queue line (and block) as [variables, step, itemIndex, row]. */
function jobsOf(args: string, block?: string[]) {
  const q = parseQueueStatement(args, 10, block?.map((text, i) => ({ line: 11 + i, text })));
  return queuedJobs(q, host, dir).map((j) => [Object.fromEntries(j.variables), j.step, j.itemIndex, j.row]);
}

describe("queue statements", () => {
  it("queue and queue N make N jobs with Step counting", () => {
    expect(jobsOf("")).toEqual([[{}, 0, 0, 0]]);
    expect(jobsOf("3")).toEqual([[{}, 0, 0, 0], [{}, 1, 0, 0], [{}, 2, 0, 0]]);
    expect(jobsOf("2 * 2")).toHaveLength(4);
    expect(jobsOf("0")).toEqual([]);
  });

  it("queue VAR in (…) sets the variable per item, N jobs each; items split on commas and spaces", () => {
    expect(jobsOf("1 input in A, B, C").map((j) => j[0])).toEqual([{ input: "A" }, { input: "B" }, { input: "C" }]);
    expect(jobsOf("3 in (A, B)")).toEqual([
      [{ Item: "A" }, 0, 0, 0], [{ Item: "A" }, 1, 0, 0], [{ Item: "A" }, 2, 0, 0],
      [{ Item: "B" }, 0, 1, 1], [{ Item: "B" }, 1, 1, 1], [{ Item: "B" }, 2, 1, 1],
    ]);
    expect(jobsOf("name in (", ["  alpha beta", "# not an item", "gamma,delta"]).map((j) => [j[0], j[2], j[3]])).toEqual([
      [{ name: "alpha" }, 0, 0], [{ name: "beta" }, 1, 0], [{ name: "gamma" }, 2, 1], [{ name: "delta" }, 3, 1],
    ]);
  });

  it("a slice selects items and keeps their original ItemIndex", () => {
    expect(jobsOf("x in [1:] (a, b, c, d)").map((j) => [j[0], j[2]])).toEqual([[{ x: "b" }, 1], [{ x: "c" }, 2], [{ x: "d" }, 3]]);
    expect(jobsOf("x in [::2] a b c d e").map((j) => j[2])).toEqual([0, 2, 4]);
    expect(jobsOf("x in [-2:] a b c d").map((j) => j[0])).toEqual([{ x: "c" }, { x: "d" }]);
  });

  it("queue VAR matching globs files and directories from the submitting directory, sorted", () => {
    expect(jobsOf("filename matching files *.dat").map((j) => j[0])).toEqual([{ filename: "ending.dat" }, { filename: "initial.dat" }, { filename: "middle.dat" }]);
    expect(jobsOf("FILE matching (", ["samplerun/*.dat"]).map((j) => j[0])).toEqual([{ FILE: "samplerun/A.dat" }, { FILE: "samplerun/B.dat" }]);
    expect(jobsOf("d matching dirs run-*").map((j) => j[0])).toEqual([{ d: "run-1" }, { d: "run-2" }]);
    expect(jobsOf("matching *.none")).toEqual([]);
  });

  it("queue VARS from a file or block splits each line on commas and/or spaces, the last variable taking the rest", () => {
    expect(jobsOf("input, arguments from params.csv").map((j) => [j[0], j[3]])).toEqual([
      [{ input: "file1", arguments: "-a -b 26" }, 0],
      [{ input: "file2", arguments: "-c   -d 92" }, 1],
      [{ input: "file", arguments: "3 with spaces" }, 2],
    ]);
    expect(jobsOf("from (", ["15 2000", "30 2000"]).map((j) => j[0])).toEqual([{ Item: "15 2000" }, { Item: "30 2000" }]);
    expect(jobsOf("a,b,c from [1:2] (", ["1 2 3", "4, 5, 6 7"]).map((j) => j[0])).toEqual([{ a: "4", b: "5", c: "6 7" }]);
  });

  it("refuses what it cannot read, with a hint", () => {
    const refusal = (args: string, block?: string[]) => {
      try {
        jobsOf(args, block);
      } catch (e) {
        return e instanceof QueueSyntaxError ? e.message : String(e);
      }
      return "no error";
    };
    expect(refusal("from seq 7 9 |")).toMatch(/a command's output is not translated/);
    expect(refusal("x from missing.txt")).toMatch(/item file \/arc\/home\/alice\/jobs\/missing.txt does not exist/);
    expect(refusal("x in [::-1] a b")).toMatch(/is not a slice/);
    expect(refusal("-2")).toMatch(/not a number of jobs/);
    expect(refusal("x y")).toMatch(/names variables but no items/);
    expect(refusal("200000")).toMatch(/more than 100000 jobs/);
    expect(refusal("a, b in x y")).toMatch(/queue … in sets one variable, and this names 2/);
  });
});
