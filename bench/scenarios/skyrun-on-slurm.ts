import { join } from "node:path";
import Database from "better-sqlite3";
import type { SlurmCluster } from "../../test/support/slurm-cluster.js";
import { HttpClient } from "../harness/http-client.js";
import { step } from "../harness/progress.js";
import { startSkyrun, type SkyrunServer } from "../harness/skyrun-server.js";
import { round } from "../harness/stats.js";
import { SIZES, type BenchContext, type ScenarioResult } from "./bench-context.js";

const slurmConfig = (slurm: SlurmCluster) =>
  `executor: slurm\nslurm:\n  conf: ${JSON.stringify(slurm.conf)}\n  partition: ${slurm.partition}\n  containersConf: ${JSON.stringify(slurm.containersConf)}\n  pollIntervalMs: 250\nscheduler:\n  limits:\n    maxQueuedJobs: 0\n`;

/** How many of the server's sessions Slurm has accepted (they carry a Slurm job id). */
function acceptedCount(server: SkyrunServer): number {
  const db = new Database(join(server.dataDir, "skyrun.db"), { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM jobs WHERE run_handle IS NOT NULL").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * skyrun's Slurm executor on the bench cluster: one request for N replicas, timed
 * from the POST until Slurm has accepted every one (each has its Slurm job id in the
 * store); then N trivial container jobs through it, to compare with a user's own
 * `sbatch` loop of the same `podman run` (slurm-peer.ts).
 */
export async function skyrunOnSlurm(ctx: BenchContext, slurm: SlurmCluster): Promise<ScenarioResult & { makespanMs: number }> {
  const { slurmReplicas: n, makespanJobs } = SIZES[ctx.mode];
  const server = await startSkyrun({ root: ctx.root, engineSocket: ctx.engineSocket, cores: 2, ramGB: 8, configYaml: slurmConfig(slurm) });
  const http = new HttpClient(server.url, server.token, 2);
  try {
    const seconds = await step(`skyrun on Slurm: one request for ${n} replicas, until Slurm accepted all`, async () => {
      const t0 = performance.now();
      const r = await http.send("POST", "/skaha/v0/session", new URLSearchParams({ name: "arr", image: ctx.image, cores: "1", ram: "1", replicas: String(n), cmd: "sleep", args: "600" }).toString());
      if (r.status !== 200) throw new Error(`replicas on Slurm failed: ${r.status} ${r.text.slice(0, 200)}`);
      while (acceptedCount(server) < n) await new Promise((res) => setTimeout(res, 50));
      return (performance.now() - t0) / 1000;
    });
    await step("skyrun on Slurm: deleting them", async () => {
      const ids = (await http.json<{ id: string }[]>("/skaha/v0/session")).map((s) => s.id);
      for (const id of ids) await http.send("DELETE", `/skaha/v0/session/${id}`);
      for (;;) {
        const { jobs } = await http.json<{ jobs: { queued: number; starting: number; running: number; terminating: number } }>("/skaha/v0/session?view=stats");
        if (jobs.queued + jobs.starting + jobs.running + jobs.terminating === 0) break;
        await new Promise((res) => setTimeout(res, 250));
      }
      // Their containers stop with the grace period: the node is free once Slurm's queue is empty.
      while (slurm.slurm("squeue", ["--noheader", "--format=%i"]).trim() !== "") await new Promise((res) => setTimeout(res, 250));
    });
    const makespanMs = await step(`skyrun on Slurm: ${makespanJobs} trivial container jobs`, async () => {
      const t0 = performance.now();
      const r = await http.send("POST", "/skaha/v0/session", new URLSearchParams({ name: "m", image: ctx.image, cores: "1", ram: "1", replicas: String(makespanJobs), cmd: "true" }).toString());
      if (r.status !== 200) throw new Error(`submit failed: ${r.status} ${r.text}`);
      for (;;) {
        const { jobs } = await http.json<{ jobs: { queued: number; starting: number; running: number; terminating: number } }>("/skaha/v0/session?view=stats");
        if (jobs.queued + jobs.starting + jobs.running + jobs.terminating === 0) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      return performance.now() - t0;
    });
    const scaled = (seconds * 10_000) / n;
    const scale = n === 10_000 ? "" : ` (this ${ctx.mode} run asked for ${n}; scaled linearly to 10,000: ${round(scaled, 1)} s)`;
    return {
      makespanMs,
      metrics: { slurmReplicas10000Seconds: scaled },
      details: [
        `One POST with replicas=${n} on the Slurm executor, until Slurm had accepted every replica: **${round(seconds, 2)} s**${scale}. Today each replica is its own \`sbatch\`; job arrays are not in yet.`,
        `skyrun on Slurm: ${makespanJobs} trivial container jobs (one replicas request, 1 core each) in **${round(makespanMs / 1000, 1)} s**.`,
      ],
    };
  } finally {
    http.close();
    await server.stop();
  }
}
