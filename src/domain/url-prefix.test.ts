import { describe, expect, it } from "vitest";
import { isUnderAllowedPrefix } from "./url-prefix.js";

describe("allowed notification URL prefixes (issue 12)", () => {
  it("allows URLs under a prefix at a host or path boundary only", () => {
    const allowed = ["https://hooks.example.org", "http://127.0.0.1:5900/team"];
    expect(isUnderAllowedPrefix("https://hooks.example.org/a/b?x=1", allowed)).toBe(true);
    expect(isUnderAllowedPrefix("https://HOOKS.example.org:443/a", allowed)).toBe(true);
    expect(isUnderAllowedPrefix("http://127.0.0.1:5900/team/x", allowed)).toBe(true);
    expect(isUnderAllowedPrefix("http://127.0.0.1:5900/team?x", allowed)).toBe(true);
    expect(isUnderAllowedPrefix("http://127.0.0.1:5900/team", allowed)).toBe(true);
    expect(isUnderAllowedPrefix("https://hooks.example.org.evil.net/a", allowed)).toBe(false);
    expect(isUnderAllowedPrefix("https://hooks.example.org:8443/a", allowed)).toBe(false);
    expect(isUnderAllowedPrefix("http://127.0.0.1:5900/team-b/x", allowed)).toBe(false);
    expect(isUnderAllowedPrefix("http://hooks.example.org/a", allowed)).toBe(false);
    expect(isUnderAllowedPrefix("not a url", allowed)).toBe(false);
    expect(isUnderAllowedPrefix("https://hooks.example.org/a", [])).toBe(false);
  });
});
