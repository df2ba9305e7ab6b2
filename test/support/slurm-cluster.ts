import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { writeContainersConf } from "../../src/executors/local/engine-socket.js";
import { canListen } from "./free-port.js";
import { waitUntil } from "./http.js";
import { TEST_ROOT } from "./paths.js";

/** Ports of the test cluster: the controller, then one per node. */
const CONTROLLER_PORT = Number(process.env.SKYRUN_TEST_SLURM_PORT ?? 6917);
export const SLURM_NODES = ["skyrun-n1", "skyrun-n2"] as const;
/** What each test node offers: enough for the seed pages' `cores=4 ram=16`. */
export const NODE_CPUS = 4;
export const NODE_MEMORY_MIB = 16_384;
export const PARTITION = "skyrun";

/** One `slurmd` of the cluster. */
export interface SlurmNodeSpec {
  readonly name: string;
  readonly cpus: number;
  readonly memoryMiB: number;
}

/**
 * How to build the cluster. The defaults are the test cluster: two 4-CPU nodes under
 * the test root. The benchmark starts a one-node cluster tuned for throughput.
 */
export interface SlurmClusterOptions {
  readonly root?: string;
  readonly port?: number;
  readonly nodes?: readonly SlurmNodeSpec[];
  /** slurm.conf lines that replace the defaults with the same key (e.g. `SchedulerType=sched/builtin`). */
  readonly tuning?: readonly string[];
  /** munged worker threads (Slurm's high-throughput guide suggests 10). @defaultValue 2 */
  readonly mungeThreads?: number;
}

const TEST_NODES: readonly SlurmNodeSpec[] = SLURM_NODES.map((name) => ({ name, cpus: NODE_CPUS, memoryMiB: NODE_MEMORY_MIB }));

export interface SlurmCluster {
  /** The slurm.conf to point skyrun (SLURM_CONF) at. */
  readonly conf: string;
  /** A containers.conf that works on this machine, for Podman on the "compute nodes". */
  readonly containersConf: string;
  readonly partition: string;
  /** Runs a Slurm command against this cluster and returns its stdout. */
  slurm(command: string, args: readonly string[]): string;
  /** Stops slurmctld (SIGTERM) and waits until it is gone. Jobs keep running on the nodes. */
  stopController(): Promise<void>;
  /** Starts slurmctld again from its saved state and waits until it answers. */
  startController(): Promise<void>;
  /** Cancels every job, stops every daemon, removes the cluster's files. */
  stop(): Promise<void>;
}

const pidOf = (file: string): number | undefined => {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};
const alive = (pid: number | undefined): boolean => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Stops the daemon whose pid file this is (one we started), and waits for it to go. */
async function stopDaemon(pidFile: string): Promise<void> {
  const pid = pidOf(pidFile);
  if (!alive(pid)) return;
  process.kill(pid!, "SIGTERM");
  await waitUntil(`pid ${pid} to exit`, async () => (alive(pid) ? undefined : true), 30_000, 100);
}

/**
 * Slurm tests take the cluster one file at a time: its ports are fixed, and a test that
 * counts free cores must not share the nodes. A lock directory holds the owner's pid; a
 * lock whose owner died is taken over.
 */
async function lockCluster(root: string, lock: string): Promise<() => void> {
  mkdirSync(root, { recursive: true });
  await waitUntil("the Slurm test cluster to be free", async () => {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      return true;
    } catch {
      if (!alive(pidOf(join(lock, "pid")))) rmSync(lock, { recursive: true, force: true });
      return undefined;
    }
  }, 20 * 60_000, 500);
  return () => rmSync(lock, { recursive: true, force: true });
}

function slurmConf(dir: string, host: string, port: number, nodes: readonly SlurmNodeSpec[], tuning: readonly string[]): string {
  const key = (line: string) => line.split("=")[0]!.toLowerCase();
  const tuned = new Set(tuning.map(key));
  const base = [
    "ClusterName=skyruntest",
    `SlurmctldHost=${host}(127.0.0.1)`,
    `SlurmctldPort=${port}`,
    `SlurmdPort=${port + 1}`,
    "AuthType=auth/munge",
    "CredType=cred/munge",
    `AuthInfo=socket=${dir}/run/munge.sock`,
    "SlurmUser=root",
    "SlurmdUser=root",
    `StateSaveLocation=${dir}/state`,
    `SlurmdSpoolDir=${dir}/spool/%n`,
    `SlurmctldPidFile=${dir}/run/slurmctld.pid`,
    `SlurmdPidFile=${dir}/run/slurmd-%n.pid`,
    `SlurmctldLogFile=${dir}/log/slurmctld.log`,
    `SlurmdLogFile=${dir}/log/slurmd-%n.log`,
    "ProctrackType=proctrack/linuxproc",
    "TaskPlugin=task/none",
    "SelectType=select/cons_tres",
    "SelectTypeParameters=CR_Core_Memory",
    "SchedulerType=sched/backfill",
    "ReturnToService=2",
    // Small, so a test can see skyrun recover a job Slurm has already forgotten.
    "MinJobAge=5",
    "KillWait=30",
    "JobAcctGatherType=jobacct_gather/none",
    "AccountingStorageType=accounting_storage/none",
    "MpiDefault=none",
    // The nodes claim more than this 2-core machine has; the tests' jobs are tiny.
    "SlurmdParameters=config_overrides",
  ].filter((line) => !tuned.has(key(line)));
  return [
    ...base,
    ...tuning,
    ...nodes.map((n, i) => `NodeName=${n.name} NodeHostname=${host} NodeAddr=127.0.0.1 Port=${port + 1 + i} CPUs=${n.cpus} RealMemory=${n.memoryMiB} State=UNKNOWN`),
    `PartitionName=${PARTITION} Nodes=${nodes.map((n) => n.name).join(",")} Default=YES MaxTime=INFINITE State=UP`,
    "",
  ].join("\n");
}

/**
 * A real Slurm on loopback, from Debian's slurm-wlm and munge: a private munged (own
 * key and socket), slurmctld and two slurmd nodes with distinct names and ports, all
 * under the test root. Resolves once both nodes are idle.
 */
export async function startSlurmCluster(o: SlurmClusterOptions = {}): Promise<SlurmCluster> {
  const root = o.root ?? TEST_ROOT;
  const port = o.port ?? CONTROLLER_PORT;
  const nodes = o.nodes ?? TEST_NODES;
  const unlock = await lockCluster(root, join(root, "slurm.lock"));
  const dir = join(root, "slurm");
  const conf = join(dir, "slurm.conf");
  const env = { ...process.env, SLURM_CONF: conf };
  const run = (command: string, args: readonly string[]) => execFileSync(command, [...args], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const runDir = join(dir, "run");
  const daemons = () => [...nodes.map((n) => join(runDir, `slurmd-${n.name}.pid`)), join(runDir, "slurmctld.pid"), join(runDir, "munged.pid")];

  // Daemons of an earlier run that died without cleaning up.
  for (const pidFile of daemons()) await stopDaemon(pidFile);
  for (const p of [port, ...nodes.map((_, i) => port + 1 + i)]) {
    if (!(await canListen(p, "0.0.0.0"))) throw new Error(`port ${p} is in use: a Slurm daemon from another run (not under ${dir})? Stop it first.`);
  }
  rmSync(dir, { recursive: true, force: true });
  for (const d of ["state", "log", ...nodes.map((n) => `spool/${n.name}`)]) mkdirSync(join(dir, d), { recursive: true });

  const munge = Number(execFileSync("id", ["-u", "munge"], { encoding: "utf8" }));
  const mungeGroup = Number(execFileSync("id", ["-g", "munge"], { encoding: "utf8" }));
  const keyDir = join(dir, "munge");
  // munged wants its key private and its socket directory open to all.
  mkdirSync(keyDir, { mode: 0o700 });
  mkdirSync(runDir, { mode: 0o755 });
  for (const d of [keyDir, runDir]) chownSync(d, munge, mungeGroup);
  writeFileSync(join(keyDir, "munge.key"), randomBytes(1024), { mode: 0o400 });
  chownSync(join(keyDir, "munge.key"), munge, mungeGroup);
  const munged = spawnSync("runuser", ["-u", "munge", "--", "munged", `--key-file=${keyDir}/munge.key`, `--socket=${runDir}/munge.sock`, `--pid-file=${runDir}/munged.pid`, `--log-file=${keyDir}/munged.log`, `--seed-file=${keyDir}/munged.seed`, `--num-threads=${o.mungeThreads ?? 2}`], { encoding: "utf8" });
  if (munged.status !== 0) throw new Error(`munged failed: ${munged.stderr}`);

  writeFileSync(conf, slurmConf(dir, hostname().split(".")[0]!, port, nodes, o.tuning ?? []));
  const containersConf = join(dir, "containers.conf");
  writeContainersConf(containersConf);

  const startController = async () => {
    run("slurmctld", []);
    await waitUntil("slurmctld to answer", async () => (/is UP/.test(run("scontrol", ["ping"])) ? true : undefined), 60_000, 200);
  };
  await startController();
  for (const n of nodes) run("slurmd", ["-N", n.name]);
  await waitUntil("the Slurm nodes to be idle", async () => {
    const states = run("sinfo", ["--noheader", "--Node", "--format=%N %T"]).trim().split("\n");
    return states.length === nodes.length && states.every((l) => l.endsWith(" idle")) ? true : undefined;
  }, 60_000, 250);

  return {
    conf,
    containersConf,
    partition: PARTITION,
    slurm: run,
    async stopController() {
      await stopDaemon(join(runDir, "slurmctld.pid"));
    },
    startController,
    async stop() {
      try {
        if (alive(pidOf(join(runDir, "slurmctld.pid")))) {
          run("scancel", ["--partition", PARTITION]);
          await waitUntil("every job to end", async () => (run("squeue", ["--noheader", "--states=running,completing,pending"]).trim() === "" ? true : undefined), 90_000, 250).catch(() => undefined);
        }
        for (const pidFile of daemons()) await stopDaemon(pidFile);
        // Containers whose wrapper was killed before it could remove them.
        const left = execFileSync("podman", ["ps", "--all", "--quiet", "--filter", "label=skyrun.slurm.job"], { encoding: "utf8", env: { ...process.env, CONTAINERS_CONF: containersConf } }).trim();
        if (left) spawnSync("podman", ["rm", "--force", "--time=0", ...left.split("\n")], { env: { ...process.env, CONTAINERS_CONF: containersConf } });
        // The daemons' logs stay for a look after a failure; the next start wipes them.
        for (const d of ["state", "spool", "munge", "run"]) rmSync(join(dir, d), { recursive: true, force: true });
      } finally {
        unlock();
      }
    },
  };
}
