import { describe, expect, it } from "vitest";
import { formatEventTable, parseEventTable } from "./session-event.js";

const at = "2026-07-01T12:00:00Z";

describe("kubectl-style event table", () => {
  it("has a header row and aligned columns", () => {
    const table = formatEventTable([
      { type: "Normal", reason: "Started", message: "Started container", firstTime: at, lastTime: at, count: 1 },
      { type: "Warning", reason: "Failed", message: "Container exited with code 3", firstTime: at, lastTime: at, count: 1 },
    ]);
    const lines = table.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^TYPE\s+REASON\s+MESSAGE\s+FIRST-TIME\s+LAST-TIME$/);
    expect(lines[2]).toBe("Warning   Failed    Container exited with code 3   2026-07-01T12:00:00Z   2026-07-01T12:00:00Z");
  });

  it("folds runs of blanks in messages so clients splitting on two spaces see five columns", () => {
    const table = formatEventTable([{ type: "Normal", reason: "Waiting", message: "waiting  for\n8 cores", firstTime: at, lastTime: at, count: 1 }]);
    expect(table.split("\n")[1]!.split(/\s{2,}/)).toHaveLength(5);
  });

  it("is read back by the parser clients use, messages with runs of blanks included", () => {
    const events = [{ type: "Normal", reason: "Waiting", message: "waiting for 8 cores: 2 of 16 free; position 4 in queue", firstTime: at, lastTime: at }];
    expect(parseEventTable(formatEventTable(events))).toEqual(events);
  });

  it("says <none> when there are no events", () => {
    expect(formatEventTable([])).toBe("<none>\n");
  });
});
