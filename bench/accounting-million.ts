/**
 * Accounting over a million ended jobs (issue 12): inserts N history entries (default
 * 1,000,000) through the store's own `record` in batches, as the recorder writes them
 * (the daily sums with them), into a fresh SQLite file, then times the usage report
 * over a year by user, group, label and image, and a page of the per-job history.
 *
 *   npx tsx bench/accounting-million.ts [rows] [--keep]
 *
 * It prints the timings and whether each query took under a second. It never fails on
 * timing (a busy machine is slower); CI runs the smaller smoke in the conformance suite.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JobHistoryEntry } from "../src/domain/job-history.js";
import type { JobId } from "../src/domain/ids.js";
import { openStore } from "../src/store/open-store.js";

const rows = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const keep = process.argv.includes("--keep");
const dir = mkdtempSync(join(tmpdir(), "skyrun-accounting-bench-"));
const store = await openStore({ driver: "sqlite", path: join(dir, "skyrun.db") });

const YEAR_START = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;
const users = Array.from({ length: 200 }, (_, i) => `user${i}`);
const groups = Array.from({ length: 20 }, (_, i) => `group${i}`);
const images = Array.from({ length: 30 }, (_, i) => `images.canfar.net/skaha/app${i}:1.0`);

function entry(i: number): JobHistoryEntry {
  const finishedAt = new Date(YEAR_START + Math.floor((i / rows) * 365 * DAY));
  const wallSeconds = 60 + (i % 7200);
  const cores = 1 + (i % 4);
  const startedAt = new Date(finishedAt.getTime() - wallSeconds * 1000);
  return {
    jobId: `j${i.toString(36).padStart(7, "0")}` as JobId,
    owner: users[i % users.length]!,
    groups: [groups[i % groups.length]!, groups[(i * 7) % groups.length]!].sort(),
    project: i % 3 === 0 ? `project${i % 10}` : null,
    image: images[i % images.length]!,
    name: `sweep-${i % 1000}`,
    setId: `s${Math.floor(i / 1000)}`,
    clusterId: `s${Math.floor(i / 1000)}`,
    procId: i % 1000,
    submitSeq: i + 1,
    labels: { survey: `field${i % 50}` },
    outcome: i % 25 === 0 ? "failed" : "succeeded",
    exitCode: i % 25 === 0 ? 1 : 0,
    reason: null,
    attempts: 1,
    queuedAt: new Date(startedAt.getTime() - 30_000),
    startedAt,
    finishedAt,
    cores,
    ramGB: 4,
    diskGB: 0,
    gpus: 0,
    wallSeconds,
    coreSeconds: cores * wallSeconds,
    cpuSeconds: i % 2 === 0 ? cores * wallSeconds * 0.8 : null,
    peakRamBytes: 2 ** 31,
    executor: "local",
  };
}

const BATCH = 5000;
let t = performance.now();
for (let i = 0; i < rows; i += BATCH) {
  await store.accounting.record(Array.from({ length: Math.min(BATCH, rows - i) }, (_, k) => entry(i + k)), []);
  if ((i / BATCH) % 20 === 0) process.stderr.write(`\rinserted ${i + BATCH} of ${rows}`);
}
process.stderr.write(`\rinserted ${rows} history entries in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);

const range = { fromDay: YEAR_START / DAY, toDay: YEAR_START / DAY + 364, owner: undefined };
const cases: [string, () => Promise<unknown>][] = [
  ["usage by user, a year", () => store.accounting.usage({ ...range, by: "user" })],
  ["usage by group, a year", () => store.accounting.usage({ ...range, by: "group" })],
  ["usage by image, a year", () => store.accounting.usage({ ...range, by: "image" })],
  ["usage by label:survey, a year", () => store.accounting.usage({ ...range, by: { label: "survey" } })],
  ["every job once (totals), a year", () => store.accounting.usageTotals(range).then((totals) => [totals])],
  ["one user's usage, a year", () => store.accounting.usage({ ...range, owner: "user7", by: "user" })],
  ["a history page of 1000", () => store.accounting.history({ ...range, limit: 1000 })],
];
for (const [name, run] of cases) {
  t = performance.now();
  const result = await run();
  const ms = performance.now() - t;
  const n = Array.isArray(result) ? result.length : (result as { entries: unknown[] }).entries.length;
  process.stdout.write(`${name.padEnd(32)} ${ms.toFixed(0).padStart(6)} ms  ${String(n).padStart(6)} rows  ${ms < 1000 ? "under 1 s" : "OVER 1 s"}\n`);
}
await store.close();
if (!keep) rmSync(dir, { recursive: true, force: true });
else process.stderr.write(`kept ${dir}\n`);
