import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_ROOT } from "../../test/support/paths.js";
import { loadFlavourTable } from "./vm-flavour-file.js";

mkdirSync(TEST_ROOT, { recursive: true });
const dir = mkdtempSync(join(TEST_ROOT, "flavours-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe("the site's flavour list", () => {
  it("reads names (case-insensitively) with cores, RAM, disk and GPUs, from --flavours or SKYRUN_FLAVOURS", () => {
    const path = file("ok.yaml", "flavours:\n  P8-12gb: { cores: 8, ram: 12 }\n  g1-16gb: { cores: 4, ram: 16, disk: 46, gpus: 1 }\n");
    expect(loadFlavourTable(path, {})).toEqual({ "p8-12gb": { cores: 8, ramGB: 12 }, "g1-16gb": { cores: 4, ramGB: 16, diskGB: 46, gpus: 1 } });
    expect(loadFlavourTable(undefined, { SKYRUN_FLAVOURS: path })).toHaveProperty("p8-12gb");
  });

  it("refuses a list it cannot use, naming the file and the flavour", () => {
    expect(() => loadFlavourTable(file("bad.yaml", "flavours:\n  x: { cores: 0, ram: 2 }\n"), {})).toThrow(/bad.yaml: flavour x: 'cores' must be a number above 0/);
    expect(() => loadFlavourTable(file("typo.yaml", "flavours:\n  x: { cores: 1, ram: 2, mem: 3 }\n"), {})).toThrow(/unknown key mem/);
    expect(() => loadFlavourTable(file("flat.yaml", "x: 1\n"), {})).toThrow(/expected 'flavours:'/);
  });
});
