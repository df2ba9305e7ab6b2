import { describe, expect, it } from "vitest";
import { EMPTY_QUERY, listingParams, matchesQuery, parseQuery, printQuery, resolveInstant } from "./session-query.js";
import type { Session } from "../api/extension-types.js";

describe("the jobs view kept in the URL (issue 17)", () => {
  it("prints and parses back every filter, the sort, the grouping and the open session", () => {
    const q = { ...EMPTY_QUERY, status: ["Pending", "Running"], name: "sweep-*", labels: ["run=n42", "k=v=w"], image: "astro", from: "-24h", exitCode: "1", sort: "endTime" as const, descending: false, group: "label:run" as const, all: true, user: "bob" };
    const search = printQuery(q, "ab12cd34");
    expect(search).toContain("open=ab12cd34");
    expect(parseQuery(search)).toEqual(q);
    expect(printQuery(EMPTY_QUERY)).toBe("");
  });

  it("asks the listing with the notes' parameter names, relative ranges resolved", () => {
    const p = listingParams({ ...EMPTY_QUERY, status: ["Failed"], from: "-1h", labels: ["a=b"] });
    expect(p).toMatchObject({ status: ["Failed"], label: ["a=b"], sort: "-createdTime" });
    expect(Date.parse(p.from as string)).toBeLessThanOrEqual(Date.now() - 3_599_000);
    expect(resolveInstant("2026-01-01T00:00:00Z")).toBe("2026-01-01T00:00:00Z");
  });

  it("filters in the browser by the server's rules: prefix names, label pairs, Completed = Succeeded", () => {
    const s = { id: "x", userid: "a", type: "headless", status: "Succeeded", name: "sweep-3", labels: { run: "n42" }, exitCode: 0 } as Session;
    expect(matchesQuery(s, { ...EMPTY_QUERY, name: "sweep-*", status: ["Completed"], labels: ["run=n42"], exitCode: "0" })).toBe(true);
    expect(matchesQuery(s, { ...EMPTY_QUERY, name: "sweep" })).toBe(false);
    expect(matchesQuery(s, { ...EMPTY_QUERY, labels: ["run=n43"] })).toBe(false);
  });
});
