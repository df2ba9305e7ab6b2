import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const ASSETS = new URL("../../dist/web/assets/", import.meta.url).pathname;
/** Issue 17: the shipped JavaScript and CSS, compressed, stay under 250 KB. */
const BUDGET_BYTES = 250 * 1024;

describe("the dashboard's size (issue 17)", () => {
  it("ships under 250 KB of gzip-compressed JavaScript and CSS", () => {
    const files = readdirSync(ASSETS).filter((f) => /\.(js|css)$/.test(f));
    expect(files.some((f) => f.endsWith(".js"))).toBe(true);
    const sizes = Object.fromEntries(files.map((f) => [f, gzipSync(readFileSync(join(ASSETS, f)), { level: 9 }).length]));
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    console.log(`dashboard bundle: ${(total / 1024).toFixed(1)} KB gzip`, sizes);
    expect(total).toBeLessThan(BUDGET_BYTES);
  });
});
