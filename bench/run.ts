/**
 * skyrun's benchmarks, side by side with the peer a user would pick instead (bare
 * Podman, Slurm), on this machine, in one run:
 *
 *   npm run bench -- [--quick | --smoke] [--only SCENARIOS] [--out FILE] [--report FILE] [--keep]
 *
 * The full run writes bench/results/<date>.md and refreshes the table in the README;
 * --out writes the headline figures as JSON. Progress goes to stderr.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { pino } from "pino";
import { ensureEngineSocket, writeContainersConf } from "../src/executors/local/engine-socket.js";
import { describeMachine } from "./harness/machine.js";
import { note, step } from "./harness/progress.js";
import { round } from "./harness/stats.js";
import type { BenchContext, BenchMode, ScenarioResult } from "./scenarios/bench-context.js";
import { SIZES } from "./scenarios/bench-context.js";
import { dispatchOverhead } from "./scenarios/dispatch.js";
import { listAtScale } from "./scenarios/list-at-scale.js";
import { listCpu } from "./scenarios/list-cpu.js";
import { barePodmanMakespanMs, describeMakespan, skyrunMakespan } from "./scenarios/makespan.js";
import { replicasRequest } from "./scenarios/replicas.js";
import { slurmMakespanMs, slurmSubmitRate, startBenchSlurm, SLURM_SCHEDULING_NOTE, SLURM_TUNING } from "./scenarios/slurm-peer.js";
import { skyrunSubmitRate } from "./scenarios/submit-rate.js";
import { apiSaturated } from "./scenarios/api-saturated.js";
import { containerPhases } from "./scenarios/container-phases.js";
import { scheduleDecision } from "./scenarios/schedule-decision.js";
import { skyrunOnSlurm } from "./scenarios/skyrun-on-slurm.js";
import { traceComparison } from "./scenarios/trace.js";

const ROOT = new URL("../", import.meta.url).pathname;
const IMAGE = "localhost/skyrun-demo:latest";

/** The headline figures, with the goals of the benchmark issue (13); the issue-9 figures are kept beside them. */
const GOALS = {
  submit_rate_ratio_vs_sbatch: { goal: ">= 20", ok: (v: number) => v >= 20 },
  replicas_10000_seconds: { goal: "<= 0.3", ok: (v: number) => v <= 0.3 },
  dispatch_overhead_ms_p50_vs_engine_api: { goal: "<= 10", ok: (v: number) => v <= 10 },
  makespan_ratio_vs_bare_podman: { goal: "<= 0.8", ok: (v: number) => v <= 0.8 },
  skyrun_cpu_ms_per_job: { goal: "<= 5", ok: (v: number) => v <= 5 },
  api_p99_ms_saturated: { goal: "<= 100", ok: (v: number) => v <= 100 },
  api_timeouts_saturated: { goal: "0", ok: (v: number) => v === 0 },
  list_300_cpu_ms: { goal: "<= 2 (issue 11)", ok: (v: number) => v <= 2 },
  slurm_replicas_10000_seconds: { goal: "<= 2", ok: (v: number) => v <= 2 },
  makespan_ratio_sbatch_vs_skyrun_on_slurm: { goal: ">= 1.0", ok: (v: number) => v >= 1 },
  list_p99_ms_at_10x: { goal: "<= 50", ok: (v: number) => v <= 50 },
  rss_mb_at_10x: { goal: "<= 400", ok: (v: number) => v <= 400 },
  startup_seconds_at_10x: { goal: "<= 5", ok: (v: number) => v <= 5 },
  recovery_seconds_after_kill9_at_10x: { goal: "<= 5", ok: (v: number) => v <= 5 },
  schedule_decision_us_p99_at_10x: { goal: "<= 1000", ok: (v: number) => v <= 1000 },
  trace_bsld_ratio_skyrun_vs_slurm: { goal: "<= 0.9", ok: (v: number) => v <= 0.9 },
  trace_makespan_ratio_skyrun_vs_slurm: { goal: "<= 1.0", ok: (v: number) => v <= 1 },
  trace_jain_skyrun: { goal: ">= trace_jain_slurm", ok: (v: number, o: Figures) => v >= (o.trace_jain_slurm ?? Infinity) },
  trace_jain_slurm: { goal: "(the peer's)", ok: () => true },
  // Issue 9's figures, kept so that runs compare over time.
  dispatch_overhead_ms_p50: { goal: "<= 50 (issue 9)", ok: (v: number) => v <= 50 },
  makespan_ratio_slurm_vs_skyrun: { goal: "retired (issue 13)", ok: () => true },
  list_p99_ms_at_scale: { goal: "<= 50 (issue 9)", ok: (v: number) => v <= 50 },
  rss_mb_at_scale: { goal: "<= 300 (issue 9)", ok: (v: number) => v <= 300 },
} as const satisfies Record<string, { goal: string; ok: (v: number, all: Figures) => boolean }>;
type Figures = Record<string, number>;
type Key = keyof typeof GOALS;

/** The scenarios, in the order a run takes them; `--only` picks some. */
const SCENARIOS = ["submit", "replicas", "dispatch", "phases", "makespan", "saturated", "listing", "decision", "scale", "trace"] as const;

async function main(argv: string[]): Promise<void> {
  const o = new Command("bench").option("--quick", "a run under 5 minutes").option("--smoke", "a few jobs per scenario (CI)").option("--out <file>", "write the headline figures as JSON").option("--keep", "keep the scratch directory").option("--report <file>", "write the results document (every scenario's details) there, in any mode")
    .option("--only <scenarios>", `run only these, comma-separated: ${SCENARIOS.join(", ")}`).parse(argv).opts<{ quick?: boolean; smoke?: boolean; out?: string; keep?: boolean; report?: string; only?: string }>();
  const only = o.only?.split(",").map((x) => x.trim()).filter(Boolean);
  const unknown = only?.filter((x) => !(SCENARIOS as readonly string[]).includes(x)) ?? [];
  if (unknown.length > 0) throw new Error(`--only: unknown scenario ${unknown.join(", ")}; known: ${SCENARIOS.join(", ")}`);
  const runs = (name: (typeof SCENARIOS)[number]) => only === undefined || only.includes(name);
  const mode: BenchMode = o.smoke ? "smoke" : o.quick ? "quick" : "full";
  const root = `/tmp/skyrun-bench-${process.pid}`;
  mkdirSync(root, { recursive: true });
  const started = Date.now();
  note(`mode ${mode}; scratch in ${root}`);

  const containersConf = join(root, "containers.conf");
  writeContainersConf(containersConf);
  const engineSocket = await ensureEngineSocket({ socketPath: "", stateDir: join(root, "podman"), log: pino({ level: "warn" }) });
  const ctx: BenchContext = { mode, root, engineSocket, containersConf, image: IMAGE };
  const slurm = await step("slurm: starting a one-node cluster", () => startBenchSlurm(root));
  const sections: string[] = [];
  const out = {} as Record<Key, number>;
  if (mode !== "full") note(`a ${mode} run shrinks every scenario (bench/scenarios/bench-context.ts SIZES); its figures are not the goals' sizes`);
  try {
    if (runs("submit")) {
      const submit = await skyrunSubmitRate(ctx);
      const sbatch = await slurmSubmitRate(ctx, slurm);
      out.submit_rate_ratio_vs_sbatch = submit.metrics.skyrunCreatesPerSecond! / sbatch.metrics.sbatchPerSecond!;
      sections.push(section("Submission rate", submit, sbatch, `Ratio: **${round(out.submit_rate_ratio_vs_sbatch)}×** sbatch.`));
    }

    if (runs("replicas")) {
      const replicas = await replicasRequest(ctx);
      out.replicas_10000_seconds = replicas.metrics.replicasSeconds!;
      sections.push(section("One request for 10,000 replicas", replicas));
    }

    if (runs("dispatch")) {
      const dispatch = await dispatchOverhead(ctx);
      out.dispatch_overhead_ms_p50 = dispatch.metrics.dispatchOverheadMsP50!;
      out.dispatch_overhead_ms_p50_vs_engine_api = dispatch.metrics.dispatchOverheadMsP50VsEngineApi!;
      sections.push(section("Dispatch overhead", dispatch));
    }

    if (runs("phases")) {
      const phases = await containerPhases(ctx);
      sections.push(section("Where a trivial container's time goes", phases, ...CONTAINER_TIME_NOTES));
    }

    if (runs("makespan")) {
      const n = SIZES[mode].makespanJobs;
      const skyrun = await skyrunMakespan(ctx);
      const podmanMs = await barePodmanMakespanMs(ctx);
      const slurmMs = await slurmMakespanMs(ctx, slurm);
      out.makespan_ratio_vs_bare_podman = skyrun.ms / podmanMs;
      out.makespan_ratio_slurm_vs_skyrun = slurmMs / skyrun.ms;
      out.skyrun_cpu_ms_per_job = skyrun.cpuMsPerJob;
      const onSlurm = await skyrunOnSlurm(ctx, slurm);
      out.slurm_replicas_10000_seconds = onSlurm.metrics.slurmReplicas10000Seconds!;
      out.makespan_ratio_sbatch_vs_skyrun_on_slurm = slurmMs / onSlurm.makespanMs;
      sections.push(["### Makespan of trivial container jobs, 2 cores", "",
        `- ${describeMakespan("skyrun (replicas request, 1 core each)", n, skyrun.ms)}`,
        `- ${describeMakespan("bare `podman run --rm` (parallelism 2)", n, podmanMs)}`,
        `- ${describeMakespan("Slurm (`sbatch --wrap 'podman run --rm …'`, one node, 2 CPUs)", n, slurmMs)}`,
        `- ${describeMakespan("skyrun's Slurm executor on the same cluster", n, onSlurm.makespanMs)}`,
        `- skyrun / bare podman: **${round(out.makespan_ratio_vs_bare_podman)}**; Slurm / skyrun: **${round(out.makespan_ratio_slurm_vs_skyrun)}**; a user's sbatch loop / skyrun on Slurm: **${round(out.makespan_ratio_sbatch_vs_skyrun_on_slurm)}**.`,
        `- The server's own CPU time (user + system, /proc) over the local run: **${round(skyrun.cpuMsPerJob, 1)} ms per job**.`, ""].join("\n"));
      sections.push(section("The Slurm executor", onSlurm));
    }

    if (runs("saturated")) {
      const saturated = await apiSaturated(ctx);
      out.api_p99_ms_saturated = saturated.metrics.apiP99MsSaturated!;
      out.api_timeouts_saturated = saturated.metrics.apiTimeoutsSaturated!;
      sections.push(section("The API while jobs fill every core", saturated));
    }

    if (runs("listing")) {
      const listing = await listCpu(ctx);
      out.list_300_cpu_ms = listing.metrics.listCpuMs!;
      sections.push(section("The CPU of one listing of 300 sessions", listing));
    }

    if (runs("decision")) {
      const decision = await scheduleDecision(ctx);
      out.schedule_decision_us_p99_at_10x = decision.metrics.scheduleDecisionUsP99!;
      sections.push(section("One admission decision with a long queue", decision));
    }

    if (runs("scale")) {
      const list = await listAtScale(ctx);
      out.list_p99_ms_at_scale = list.scale.listP99Ms;
      out.rss_mb_at_scale = list.scale.rssMb;
      out.list_p99_ms_at_10x = list.tenfold.listP99Ms;
      out.rss_mb_at_10x = list.tenfold.rssMb;
      out.startup_seconds_at_10x = list.tenfold.startupSeconds;
      out.recovery_seconds_after_kill9_at_10x = list.tenfold.recoverySeconds;
      sections.push(section("A large store", ...list.details));
    }

    if (runs("trace")) {
      const trace = await traceComparison(ctx);
      out.trace_bsld_ratio_skyrun_vs_slurm = trace.metrics.bsldRatio!;
      out.trace_makespan_ratio_skyrun_vs_slurm = trace.metrics.makespanRatio!;
      out.trace_jain_skyrun = trace.metrics.jainSkyrun!;
      out.trace_jain_slurm = trace.metrics.jainSlurm!;
      sections.push(section("A synthetic HPC workload: skyrun against Slurm's backfill", trace));
    }
  } finally {
    await slurm.stop();
    // The Podman service this run started (detached, so skyrun restarts keep it) ends with the run.
    spawnSync("pkill", ["-f", `podman system service --time=0 unix://${join(root, "podman")}/podman.sock`]);
    if (!o.keep) rmSync(root, { recursive: true, force: true });
  }

  const minutes = (Date.now() - started) / 60_000;
  const table = resultsTable(out);
  process.stdout.write(table);
  if (o.out) writeFileSync(o.out, JSON.stringify(Object.fromEntries((Object.keys(GOALS) as Key[]).filter((k) => k in out).map((k) => [k, round(out[k], 3)])), null, 2) + "\n");
  if (o.report) writeFileSync(o.report, document(`${new Date().toISOString().slice(0, 10)} (${mode} run)`, table, sections, minutes));
  // A full run is the record; one with --only is not, and leaves the results and the README as they are.
  if (mode === "full" && only === undefined) {
    const date = new Date().toISOString().slice(0, 10);
    writeFileSync(join(ROOT, `bench/results/${date}.md`), document(date, table, sections, minutes));
    refreshReadme(table, date);
    note(`wrote bench/results/${date}.md and refreshed the README table`);
  }
  note(`finished in ${round(minutes, 1)} min`);
}

/** What the phase measurements say skyrun can and cannot remove, for the results. */
const CONTAINER_TIME_NOTES = [
  "Create and start are the engine's (Podman's storage, runc, conmon, the network); skyrun adds its store write, the scheduling pass and the account files, measured above as the dispatch overhead over a direct create + start.",
  "skyrun already creates the next job's container ahead of its start (`prepare`), so create leaves the critical path when the queue is full; the start cannot be moved.",
  "Exit is the run of `true` plus the engine's report of it; removal happens after the job is recorded as finished, off the user's path, and costs the engine's time only.",
];

function section(title: string, ...parts: (ScenarioResult | string)[]): string {
  const lines = parts.flatMap((p) => (typeof p === "string" ? [p] : p.details));
  return [`### ${title}`, "", ...lines.map((l) => `- ${l}`), ""].join("\n");
}

function resultsTable(out: Record<Key, number>): string {
  const rows = (Object.keys(GOALS) as Key[]).filter((k) => k in out).map((k) => `| \`${k}\` | ${round(out[k], 3)} | ${GOALS[k].goal} | ${GOALS[k].ok(out[k], out) ? "met" : "**not met**"} |`);
  return ["| figure | measured | goal | |", "|---|---|---|---|", ...rows, ""].join("\n");
}

function document(date: string, table: string, sections: string[], minutes: number): string {
  const machine = Object.entries(describeMachine()).map(([k, v]) => `- ${k}: ${v}`).join("\n");
  return [
    `# skyrun benchmark, ${date}`, "",
    "Every pair ran on the same machine, one after the other, with the same image (`localhost/skyrun-demo:latest`, busybox), the same parallelism and the same `containers.conf` (runc, cgroupfs).", "",
    "## Machine", "", machine, "",
    "## Results", "", table,
    ...sections,
    "## The peer's tuning", "",
    "Slurm ran as a one-node cluster started by the harness, configured as Slurm's *High Throughput Computing Administration Guide* advises, except for scheduling, where it was made faster:", "",
    ...SLURM_TUNING.map((l) => `- \`${l}\``), "",
    SLURM_SCHEDULING_NOTE, "",
    "## Reproduce", "",
    "```sh", "sudo bash scripts/setup-system.sh --test   # Podman, Slurm, munge", "npm ci && npm run build", "npm run bench            # this document (full run)", "npm run bench -- --quick --out quick.json", "```", "",
    `The run took ${round(minutes, 1)} minutes.`, "",
  ].join("\n");
}

function refreshReadme(table: string, date: string): void {
  const path = join(ROOT, "README.md");
  const readme = readFileSync(path, "utf8");
  const block = `<!-- bench:start -->\nLatest full run (${date}, \`npm run bench\`; details in [bench/results/${date}.md](bench/results/${date}.md)):\n\n${table}<!-- bench:end -->`;
  writeFileSync(path, readme.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, block));
}

main(process.argv).catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 1;
});
