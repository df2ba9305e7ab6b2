import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createProgressDisplay, formatCounts } from "./progress-display.js";

describe("progress", () => {
  it("orders phases as a job lives them and leaves out zeros", () => {
    expect(formatCounts({ Failed: 1, Completed: 3, Pending: 0, Running: 2, Weird: 1 })).toBe("Running 2 · Completed 3 · Failed 1 · Weird 1");
  });

  it("writes a plain line when counts change, not when they repeat, when the stream is not a terminal", () => {
    const stream = new PassThrough();
    let out = "";
    stream.on("data", (b: Buffer) => { out += b.toString(); });
    const p = createProgressDisplay({ label: "Waiting", stream: stream as unknown as NodeJS.WriteStream });
    p.update(0, 2, { Pending: 2 });
    p.update(0, 2, { Pending: 2 });
    p.update(1, 2, { Running: 1, Completed: 1 });
    p.stop();
    expect(out.split("\n").filter(Boolean).map((l) => l.replace(/ \| \d+s$/, ""))).toEqual(["Waiting: 0/2 | Pending 2", "Waiting: 1/2 | Running 1 · Completed 1"]);
  });

  it("writes nothing when disabled", () => {
    const stream = new PassThrough();
    let out = "";
    stream.on("data", (b: Buffer) => { out += b.toString(); });
    const p = createProgressDisplay({ label: "x", stream: stream as unknown as NodeJS.WriteStream, enabled: false });
    p.update(1, 1, { Completed: 1 });
    p.stop();
    expect(out).toBe("");
  });
});
