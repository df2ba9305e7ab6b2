import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../../test/support/free-port.js";
import { removeJobContainers } from "../../test/support/job-containers.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const CLI = join(ROOT, "bin/skyrun.js");

export interface SkyrunServer {
  readonly url: string;
  readonly token: string;
  readonly dataDir: string;
  readonly pid: number;
  /** Resident memory of the server process, MB. */
  rssMb(): number;
  /** CPU time (user + system) the server process has used so far, ms. */
  cpuMs(): number;
  /** When the process was started (performance.now()), to time start-up from. */
  readonly spawnedAt: number;
  /** Kills the process with SIGKILL: no shutdown, as a crash. */
  kill9(): void;
  stop(): Promise<void>;
}

export interface SkyrunServerOptions {
  readonly root: string;
  readonly engineSocket: string;
  readonly cores: number;
  readonly ramGB: number;
  /** Extra `skyrun.yaml` settings, as YAML text. */
  readonly configYaml?: string;
  /** Reuse a data directory that already holds a store (the list-at-scale scenario). */
  readonly dataDir?: string;
  readonly user?: string;
}


const cli = (args: string[]) => execFileSync("node", [CLI, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });

/** Starts the built `skyrun server` as its own process, with a user and a token, as an operator would. */
export async function startSkyrun(o: SkyrunServerOptions): Promise<SkyrunServer> {
  const dataDir = o.dataDir ?? join(o.root, `skyrun-${Date.now()}`);
  mkdirSync(dataDir, { recursive: true });
  if (o.configYaml) execFileSync("sh", ["-c", `cat > ${JSON.stringify(join(dataDir, "skyrun.yaml"))}`], { input: o.configYaml });
  const user = o.user ?? "bench";
  try {
    cli(["users", "add", user, "--data-dir", dataDir]);
  } catch { /* already there (a prepared store) */ }
  const token = cli(["tokens", "create", user, "--data-dir", dataDir]).trim().split("\n").at(-1)!;
  const port = await freePort({ from: "kernel" });
  // SKYRUN_BENCH_CPU_PROF=DIR writes a V8 CPU profile of each server into DIR (where the time goes).
  const profile = process.env.SKYRUN_BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.SKYRUN_BENCH_CPU_PROF}`] : [];
  const spawnedAt = performance.now();
  const child: ChildProcess = spawn("node", [...profile, CLI, "server", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`, "--cores", String(o.cores), "--ram", String(o.ramGB), "--no-tls"], {
    env: { ...process.env, SKYRUN_PODMAN_SOCKET: o.engineSocket, SKYRUN_LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (b: Buffer) => { stderr += b.toString(); });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`skyrun exited: ${stderr}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`skyrun did not answer: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    token,
    dataDir,
    pid: child.pid!,
    rssMb() {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1];
      return Number(kb) / 1024;
    },
    cpuMs: () => processCpuMs(child.pid!),
    spawnedAt,
    kill9: () => { child.kill("SIGKILL"); },
    async stop() {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        });
      }
      // A stopped skyrun leaves its jobs running: CPU-bound ones would burn on under the next scenario.
      await removeJobContainers(o.engineSocket, dataDir);
      if (!o.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** User + system CPU time of a process so far, ms, from /proc/PID/stat (fields 14 and 15, in clock ticks of 10 ms). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Adds a user to a data directory (the server may be running) and returns a fresh token of theirs. */
export function addUserToken(dataDir: string, user: string): string {
  try {
    cli(["users", "add", user, "--data-dir", dataDir]);
  } catch { /* already there */ }
  return cli(["tokens", "create", user, "--data-dir", dataDir]).trim().split("\n").at(-1)!;
}
