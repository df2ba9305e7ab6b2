import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { startSlurmCluster } from "../../test/support/slurm-cluster.js";
import { HttpClient } from "../harness/http-client.js";
import { step } from "../harness/progress.js";
import { addUserToken, startSkyrun } from "../harness/skyrun-server.js";
import { round } from "../harness/stats.js";
import { generateTrace, TRACE_DEFAULTS, traceMetrics, type TraceJob, type TraceMetrics, type TraceOutcome, type TraceParameters } from "../harness/trace-workload.js";
import { SIZES, type BenchContext, type ScenarioResult } from "./bench-context.js";
import { SLURM_TUNING } from "./slurm-peer.js";

const run = promisify(execFile);

/** The capacity both schedulers advertise; the jobs sleep, so this machine's two cores are not the limit. */
const CORES = 16;
/** Slurm's backfill looks every 30 s by default; for jobs of seconds it is told to look every second. */
const TRACE_SLURM_TUNING = [...SLURM_TUNING.filter((l) => !l.startsWith("SchedulerParameters=")), "SchedulerParameters=batch_sched_delay=0,bf_interval=1,bf_resolution=1"];

const until = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Submits each job at its arrival offset; resolves when all are submitted. */
async function replay(jobs: readonly TraceJob[], submit: (job: TraceJob, index: number) => Promise<void>): Promise<void> {
  const t0 = Date.now();
  await Promise.all(jobs.map(async (job, i) => {
    await until(t0 + job.arrivalSeconds * 1000 - Date.now());
    await submit(job, i);
  }));
}

async function throughSkyrun(ctx: BenchContext, jobs: readonly TraceJob[]): Promise<TraceOutcome[]> {
  const server = await startSkyrun({ root: ctx.root, engineSocket: ctx.engineSocket, cores: CORES, ramGB: CORES * 4, configYaml: "scheduler:\n  limits:\n    maxQueuedJobs: 0\n" });
  const users = [...new Set(jobs.map((j) => j.user))];
  const clients = new Map(users.map((u) => [u, new HttpClient(server.url, addUserToken(server.dataDir, u), 4)]));
  const ids: string[] = [];
  try {
    await replay(jobs, async (job, i) => {
      const form = { name: `t${i}`, image: ctx.image, cores: String(job.cores), ram: "1", cmd: "sleep", args: String(job.runSeconds), walltime: String(job.walltimeSeconds) };
      ids[i] = await clients.get(job.user)!.createSession(form);
    });
    const any = clients.get(users[0]!)!;
    for (;;) {
      const { jobs: j } = await any.json<{ jobs: { queued: number; starting: number; running: number; terminating: number } }>("/skaha/v0/session?view=stats");
      if (j.queued + j.starting + j.running + j.terminating === 0) break;
      await until(250);
    }
    const db = new Database(join(server.dataDir, "skyrun.db"), { readonly: true });
    const rows = new Map((db.prepare(`SELECT id, created_at, started_at, finished_at FROM jobs`).all() as { id: string; created_at: number; started_at: number; finished_at: number }[]).map((r) => [r.id, r]));
    db.close();
    return jobs.map((job, i) => {
      const r = rows.get(ids[i]!)!;
      return { job, submittedMs: r.created_at, startedMs: r.started_at, finishedMs: r.finished_at };
    });
  } finally {
    for (const c of clients.values()) c.close();
    await server.stop();
  }
}

async function throughSlurm(ctx: BenchContext, jobs: readonly TraceJob[]): Promise<TraceOutcome[]> {
  const root = join(ctx.root, "slurm-trace");
  const out = join(root, "out");
  mkdirSync(out, { recursive: true });
  const slurm = await startSlurmCluster({ root, port: 6941, nodes: [{ name: "trace-n1", cpus: CORES, memoryMiB: CORES * 4096 }], tuning: TRACE_SLURM_TUNING, mungeThreads: 10 });
  const submitted: number[] = [];
  const slurmIds: string[] = [];
  try {
    await replay(jobs, async (job, i) => {
      submitted[i] = Date.now();
      const wrap = `echo S $(date +%s%3N); sleep ${job.runSeconds}; echo E $(date +%s%3N)`;
      const r = await run("sbatch", ["--parsable", "--partition", slurm.partition, `--cpus-per-task=${job.cores}`, "--mem=100", `--time=${Math.ceil(job.walltimeSeconds / 60)}`, `--output=${join(out, `${i}.out`)}`, "--wrap", wrap], { env: { ...process.env, SLURM_CONF: slurm.conf } });
      slurmIds[i] = r.stdout.trim();
    });
    for (;;) {
      if (slurm.slurm("squeue", ["--noheader", "--format=%i"]).trim() === "") break;
      await until(250);
    }
    const files = new Set(readdirSync(out));
    return jobs.map((job, i) => {
      if (!files.has(`${i}.out`)) throw new Error(`Slurm job ${slurmIds[i]} left no output`);
      const text = readFileSync(join(out, `${i}.out`), "utf8");
      const at = (mark: string) => Number(new RegExp(`^${mark} (\\d+)`, "m").exec(text)?.[1]);
      return { job, submittedMs: submitted[i]!, startedMs: at("S"), finishedMs: at("E") };
    });
  } finally {
    await slurm.stop();
  }
}

const describe = (label: string, m: TraceMetrics) =>
  `${label}: makespan ${round(m.makespanSeconds, 1)} s, mean wait ${round(m.meanWaitSeconds, 1)} s, mean bounded slowdown ${round(m.meanBsld, 2)}, utilisation ${round(m.utilisation * 100, 0)} %, Jain over users ${round(m.jain, 3)}.`;

/**
 * What a scheduler is for: one seeded HPC-shaped workload (harness/trace-workload.ts)
 * replayed at its arrival times through skyrun (containers of `sleep`) and through
 * Slurm's backfill scheduler (`sbatch --wrap sleep`), both advertising 16 cores.
 */
export async function traceComparison(ctx: BenchContext): Promise<ScenarioResult> {
  const size = SIZES[ctx.mode];
  const params: TraceParameters = { ...TRACE_DEFAULTS, jobs: size.traceJobs, medianRunSeconds: size.traceMedianRunSeconds, maxRunSeconds: size.traceMaxRunSeconds, meanGapSeconds: size.traceMeanGapSeconds };
  const jobs = generateTrace(params);
  const sky = traceMetrics(await step(`trace: ${jobs.length} jobs through skyrun (${CORES} cores)`, () => throughSkyrun(ctx, jobs)), CORES);
  const slu = traceMetrics(await step(`trace: ${jobs.length} jobs through Slurm backfill (${CORES} CPUs)`, () => throughSlurm(ctx, jobs)), CORES);
  const coreSeconds = jobs.reduce((t, j) => t + j.cores * j.runSeconds, 0);
  return {
    metrics: { bsldRatio: sky.meanBsld / slu.meanBsld, makespanRatio: sky.makespanSeconds / slu.makespanSeconds, jainSkyrun: sky.jain, jainSlurm: slu.jain },
    details: [
      `Workload: ${jobs.length} jobs, seed ${params.seed}; sizes ${params.sizes.map((s) => `${s.cores} core${s.cores > 1 ? "s" : ""} ${s.weight * 100} %`).join(", ")}; run times log-normal with median ${params.medianRunSeconds} s and σ ${params.sigma}, clamped to 1–${params.maxRunSeconds} s; walltime asked = twice the run, rounded up to a minute; arrivals with exponential gaps of mean ${params.meanGapSeconds} s, ${params.burstChance * 100} % of them bursts (arrays) of 2–6 identical jobs; users ${params.users.map((u) => `${u.name} ${u.weight * 100} %`).join(", ")}. ${round(coreSeconds, 0)} core-seconds of work, last arrival at ${jobs.at(-1)!.arrivalSeconds} s.`,
      describe("skyrun (local executor, `sleep` in containers, 16 cores advertised)", sky),
      describe("Slurm backfill (one node of 16 CPUs, `sbatch --wrap 'sleep …'`, `bf_interval=1`, priority/basic)", slu),
      `skyrun / Slurm: bounded slowdown **${round(sky.meanBsld / slu.meanBsld, 2)}**, makespan **${round(sky.makespanSeconds / slu.makespanSeconds, 2)}**. skyrun's times include starting a container per job; Slurm's jobs run \`sleep\` bare.`,
    ],
  };
}
