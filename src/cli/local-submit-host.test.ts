import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_ROOT } from "../../test/support/paths.js";
import { globRelative } from "./local-submit-host.js";

mkdirSync(TEST_ROOT, { recursive: true });
const dir = mkdtempSync(join(TEST_ROOT, "glob-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
for (const f of ["a.dat", "b.dat", ".hidden.dat", "notes.txt", "run-1/x.dat", "run-2/y.dat"]) {
  mkdirSync(join(dir, f, ".."), { recursive: true });
  writeFileSync(join(dir, f), "");
}

describe("queue … matching on this machine", () => {
  it("globs as a shell does: sorted, files or directories, no hidden names unless asked, through directories", () => {
    expect(globRelative("*.dat", dir, "files")).toEqual(["a.dat", "b.dat"]);
    expect(globRelative(".*.dat", dir, "any")).toEqual([".hidden.dat"]);
    expect(globRelative("run-*", dir, "dirs")).toEqual(["run-1", "run-2"]);
    expect(globRelative("run-*", dir, "files")).toEqual([]);
    expect(globRelative("run-[12]/*.dat", dir, "any")).toEqual(["run-1/x.dat", "run-2/y.dat"]);
    expect(globRelative("notes.txt", dir, "any")).toEqual(["notes.txt"]);
    expect(globRelative("missing.txt", dir, "any")).toEqual([]);
  });
});
