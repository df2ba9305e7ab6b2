import { describe, expect, it } from "vitest";
import { parseEventTable } from "./session-event.js";

describe("parsing the platform's event table", () => {
  it("cuts rows at the header's columns, so messages keep runs of spaces", () => {
    // kubectl pads every column to its widest cell, plus three spaces.
    const rows = [
      ["TYPE", "REASON", "MESSAGE", "FIRST-TIME", "LAST-TIME"],
      ["Normal", "Scheduled", "Successfully assigned skaha-workload/x to node1", "2026-07-01T12:00:00Z", "2026-07-01T12:00:00Z"],
      ["Warning", "Failed", "Failed to pull image \"a:b\":  rpc error:  code = NotFound", "2026-07-01T12:00:05Z", "2026-07-01T12:01:05Z"],
    ];
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    const table = rows.map((r) => r.map((cell, c) => (c === 4 ? cell : cell.padEnd(widths[c]! + 3))).join("")).join("\n") + "\n";
    expect(parseEventTable(table)).toEqual([
      { type: "Normal", reason: "Scheduled", message: "Successfully assigned skaha-workload/x to node1", firstTime: "2026-07-01T12:00:00Z", lastTime: "2026-07-01T12:00:00Z" },
      { type: "Warning", reason: "Failed", message: "Failed to pull image \"a:b\":  rpc error:  code = NotFound", firstTime: "2026-07-01T12:00:05Z", lastTime: "2026-07-01T12:01:05Z" },
    ]);
  });

  it("reads <none> as no events, and <none> times as absent", () => {
    expect(parseEventTable("<none>\n")).toEqual([]);
    expect(parseEventTable("")).toEqual([]);
    const table = "TYPE     REASON   MESSAGE   FIRST-TIME   LAST-TIME\nNormal   Pulled   done      <none>       <none>\n";
    expect(parseEventTable(table)).toEqual([{ type: "Normal", reason: "Pulled", message: "done" }]);
  });

  it("without a header, splits on two or more spaces and keeps only five-column rows", () => {
    const rows = "Normal  Started  Started container  2026-07-01T12:00:00Z  2026-07-01T12:00:00Z\ngarbage line\n";
    expect(parseEventTable(rows)).toEqual([{ type: "Normal", reason: "Started", message: "Started container", firstTime: "2026-07-01T12:00:00Z", lastTime: "2026-07-01T12:00:00Z" }]);
  });
});
