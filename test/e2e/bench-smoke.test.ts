import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TEST_ROOT } from "../support/paths.js";

const ROOT = new URL("../../", import.meta.url).pathname;

/**
 * A smoke of the benchmark harness, as CI runs it: every scenario with a few jobs,
 * skyrun beside bare Podman and a real one-node Slurm. It checks that the harness
 * produces every headline figure; it never judges a timing.
 */
describe("the benchmark harness", () => {
  it("runs every scenario in smoke mode and writes every headline figure as JSON", () => {
    const out = join(mkdtempSync(join(TEST_ROOT, "bench-")), "smoke.json");
    execFileSync("npx", ["tsx", "bench/run.ts", "--smoke", "--out", out], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], timeout: 15 * 60_000 });
    const figures = JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>;
    expect(Object.keys(figures).sort()).toEqual([
      "api_p99_ms_saturated", "api_timeouts_saturated", "dispatch_overhead_ms_p50", "dispatch_overhead_ms_p50_vs_engine_api",
      "list_300_cpu_ms", "list_p99_ms_at_10x", "list_p99_ms_at_scale", "makespan_ratio_sbatch_vs_skyrun_on_slurm", "makespan_ratio_slurm_vs_skyrun", "makespan_ratio_vs_bare_podman",
      "recovery_seconds_after_kill9_at_10x", "replicas_10000_seconds", "rss_mb_at_10x", "rss_mb_at_scale", "schedule_decision_us_p99_at_10x",
      "skyrun_cpu_ms_per_job", "slurm_replicas_10000_seconds", "startup_seconds_at_10x", "submit_rate_ratio_vs_sbatch",
      "trace_bsld_ratio_skyrun_vs_slurm", "trace_jain_skyrun", "trace_jain_slurm", "trace_makespan_ratio_skyrun_vs_slurm",
    ]);
    for (const [key, value] of Object.entries(figures)) expect(Number.isFinite(value), key).toBe(true);
  }, 20 * 60_000);

  it("runs only the scenarios --only names, and refuses a name it does not know", () => {
    const out = join(mkdtempSync(join(TEST_ROOT, "bench-")), "only.json");
    execFileSync("npx", ["tsx", "bench/run.ts", "--smoke", "--only", "listing", "--out", out], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], timeout: 10 * 60_000 });
    expect(Object.keys(JSON.parse(readFileSync(out, "utf8")) as object)).toEqual(["list_300_cpu_ms"]);
    let stderr = "";
    try {
      execFileSync("npx", ["tsx", "bench/run.ts", "--smoke", "--only", "listing,lists"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    } catch (e) {
      stderr = (e as { stderr: string }).stderr;
    }
    expect(stderr).toMatch(/--only: unknown scenario lists; known: submit, replicas/);
  }, 15 * 60_000);
});
