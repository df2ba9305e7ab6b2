import { describe, expect, it } from "vitest";
import { cliCommand, EMPTY_FORM, shellQuote, splitWords, submitParams } from "./submit-commands.js";
import { groupSessions } from "./session-groups.js";
import type { Session } from "../api/extension-types.js";

describe("the submit form's request and its command lines (issue 17)", () => {
  it("splits arguments as a POSIX shell does and quotes them back", () => {
    expect(splitWords(`-c 'print("hi there")' "a b" c\\ d`)).toEqual(["-c", 'print("hi there")', "a b", "c d"]);
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote("plain-word")).toBe("plain-word");
  });

  it("sends only what was given, repeated parameters kept", () => {
    const f = { ...EMPTY_FORM, name: "n", image: "img", env: "A=1\nB=x=y", labels: "run=1", replicas: "3", dependsOn: "a1, b2" };
    expect(submitParams(f)).toEqual([["name", "n"], ["image", "img"], ["type", "headless"], ["env", "A=1"], ["env", "B=x=y"], ["replicas", "3"], ["dependsOn", "a1,b2"], ["label", "run=1"]]);
    expect(cliCommand(f)).toContain("skyrun run -n n -e A=1 -e B=x=y -r 3 --depends-on a1,b2 img");
  });

  it("groups replicas into one set with counts by status", () => {
    const mk = (i: number, status: string): Session => ({ id: `i${i}`, userid: "a", type: "headless", status, name: `s-${i}`, replicaId: i, replicaCount: 3 });
    const [g] = groupSessions([mk(1, "Completed"), mk(2, "Failed"), mk(3, "Running")], "set");
    expect(g).toMatchObject({ label: "s-1…3", counts: { done: 1, failed: 1, run: 1, idle: 0, total: 3 }, filter: { name: "s-*" } });
  });
});
