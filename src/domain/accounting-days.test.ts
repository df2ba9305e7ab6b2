import { describe, expect, it } from "vitest";
import { dayOf, isoDay, monthStart, parseIsoDay, periodStart } from "./accounting-days.js";

describe("accounting days (issue 12)", () => {
  it("numbers UTC days from the epoch and reads back only real calendar dates", () => {
    expect(dayOf(new Date("1970-01-01T23:59:59Z"))).toBe(0);
    expect(parseIsoDay("2026-11-21")).toBe(dayOf(new Date("2026-11-21T12:00:00Z")));
    expect(isoDay(parseIsoDay("2024-02-29")!)).toBe("2024-02-29");
    for (const bad of ["2026-02-30", "2026-13-01", "2026-1-01", "21/11/2026", "2026-11-21T00:00:00Z", ""]) expect(parseIsoDay(bad), bad).toBeUndefined();
  });

  it("starts weeks on Monday and months on the first, across year ends", () => {
    const d = (s: string) => parseIsoDay(s)!;
    expect(isoDay(periodStart(d("2026-11-21"), "week", 0))).toBe("2026-11-16"); // a Saturday
    expect(isoDay(periodStart(d("2026-11-16"), "week", 0))).toBe("2026-11-16"); // a Monday
    expect(isoDay(periodStart(d("2027-01-01"), "week", 0))).toBe("2026-12-28");
    expect(isoDay(periodStart(d("1970-01-01"), "week", 0))).toBe("1969-12-29");
    expect(isoDay(monthStart(d("2026-12-31")))).toBe("2026-12-01");
    expect(periodStart(d("2026-12-31"), "all", 42)).toBe(42);
    expect(periodStart(7, "day", 0)).toBe(7);
  });
});
