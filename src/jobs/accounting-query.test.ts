import { describe, expect, it } from "vitest";
import { isoDay } from "../domain/accounting-days.js";
import { parseBy, parseDayRange } from "./accounting-query.js";

const now = new Date("2026-11-17T10:00:00Z");
const range = (from?: string, to?: string) => {
  const r = parseDayRange({ from, to }, now);
  return [isoDay(r.fromDay), isoDay(r.toDay)];
};

describe("accounting ranges and keys (issue 12)", () => {
  it("takes days, or instants by their UTC day (the dashboard sends instants), defaulting to this month", () => {
    expect(range()).toEqual(["2026-11-01", "2026-11-17"]);
    expect(range("2026-10-01", "2026-10-31")).toEqual(["2026-10-01", "2026-10-31"]);
    expect(range("2026-10-01T00:00:00Z", "2026-10-31T23:59:59Z")).toEqual(["2026-10-01", "2026-10-31"]);
    expect(range("2026-10-01T00:30:00+01:00", "2026-10-02")).toEqual(["2026-09-30", "2026-10-02"]);
  });

  it("refuses what is not a day, and a range that ends before it starts, naming the parameter", () => {
    for (const [from, to, parameter] of [["yesterday", undefined, "from"], ["2026-02-30", undefined, "from"], ["2026-10-01T25:00:00Z", undefined, "from"], ["2026-10-02", "2026-10-01", "to"]] as const) {
      expect(() => parseDayRange({ from, to }, now)).toThrow(`'${parameter}'`);
    }
    expect(() => parseBy("colour")).toThrow("'by'");
    expect(parseBy("label:survey")).toEqual({ by: { label: "survey" }, name: "label:survey" });
  });
});
