import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import { inject } from "vitest";
import { TEST_ROOT } from "../../../test/support/paths.js";
import { startSlurmCluster, type SlurmCluster } from "../../../test/support/slurm-cluster.js";
import { systemClock } from "../../domain/clock.js";
import type { JobId } from "../../domain/ids.js";
import type { Executor } from "../executor.js";
import { writeSeccompProfile } from "../seccomp-profile-file.js";

/** What an engine can do; the suite asserts each either way, never skips. */
export interface EngineCapabilities {
  /** The engine queues accepted runs itself (Slurm); otherwise a run it accepts starts at once. */
  readonly queuesRuns: boolean;
  /** The engine measures a running run's CPU and memory. */
  readonly reportsUsage: boolean;
  /** The engine stops a run at its deadline by itself (Slurm's time limit); otherwise skyrun's lifecycle does. */
  readonly enforcesDeadline: boolean;
  /** The engine can move a run's deadline (Slurm's `scontrol update TimeLimit`). */
  readonly extendsDeadline: boolean;
  /** stdout and stderr share one stream, so their lines keep the order written (Slurm); otherwise each stream keeps its own order (Podman's two pipes). */
  readonly ordersAcrossStreams: boolean;
}

/** One real engine under test. `open` makes a new executor instance for the same engine, as a restarted server would. */
export interface EngineUnderTest {
  readonly name: string;
  readonly capabilities: EngineCapabilities;
  readonly dataDir: string;
  open(): Promise<Executor>;
  /** How long a run may take to start and end on this engine on a busy machine. */
  readonly patienceMs: number;
  /** The engine's own count of this job's runs (containers or batch jobs), ended ones included while it keeps them. */
  runsOf(jobId: JobId): Promise<number>;
  stop(): Promise<void>;
}

const log = pino({ level: process.env.SKYRUN_TEST_LOG ?? "silent" });

function dataDirFor(name: string): string {
  mkdirSync(TEST_ROOT, { recursive: true });
  const dir = mkdtempSync(join(TEST_ROOT, `conformance-${name}-`));
  for (const d of ["logs", "arc", "accounts"]) mkdirSync(join(dir, d), { recursive: true });
  return dir;
}

export const logPathOf = (dataDir: string, jobId: string): string => join(dataDir, "logs", `${jobId}.log`);

export async function podmanEngine(): Promise<EngineUnderTest> {
  const { createPodmanExecutor } = await import("../local/podman-executor.js");
  const { default: Docker } = await import("dockerode");
  const docker = new Docker({ socketPath: inject("engineSocket") });
  const dataDir = dataDirFor("podman");
  const instanceId = `conf${Math.random().toString(36).slice(2, 10)}`;
  const seccompProfile = writeSeccompProfile(join(dataDir, "seccomp.json"), log);
  return {
    name: "podman",
    capabilities: { queuesRuns: false, reportsUsage: true, enforcesDeadline: false, extendsDeadline: false, ordersAcrossStreams: false },
    dataDir,
    patienceMs: 60_000,
    open: async () => createPodmanExecutor({ log, clock: systemClock }, {
      socketPath: inject("engineSocket"), network: "bridge", instanceId, seccompProfile, stopGraceSeconds: 2,
      accountsDir: (jobId) => join(dataDir, "accounts", jobId),
    }),
    runsOf: async (jobId) => (await docker.listContainers({ all: true, filters: { label: [`skyrun.job=${jobId}`] } })).length,
    async stop() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function slurmEngine(): Promise<EngineUnderTest> {
  const { createSlurmExecutor } = await import("../slurm/slurm-executor.js");
  const cluster: SlurmCluster = await startSlurmCluster();
  const dataDir = dataDirFor("slurm");
  const seccompProfile = writeSeccompProfile(join(dataDir, "seccomp.json"), log);
  return {
    name: "slurm",
    capabilities: { queuesRuns: true, reportsUsage: false, enforcesDeadline: true, extendsDeadline: true, ordersAcrossStreams: true },
    dataDir,
    patienceMs: 150_000,
    open: async () => createSlurmExecutor({ log, clock: systemClock }, {
      binDir: "", conf: cluster.conf, mode: "podman", podmanPath: "podman", containersConf: cluster.containersConf, podmanEnv: {},
      network: "bridge", stopGraceSeconds: 2, seccompProfile, registryHosts: [], partition: cluster.partition, account: "", sbatchArgs: [],
      pollIntervalMs: 250, dataDir, logPathOf: (jobId) => logPathOf(dataDir, jobId),
    }),
    runsOf: async (jobId) => cluster.slurm("squeue", ["--noheader", "--states=all", `--name=skyrun-${jobId}`, "--format=%i"]).trim().split("\n").filter(Boolean).length,
    async stop() {
      await cluster.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
