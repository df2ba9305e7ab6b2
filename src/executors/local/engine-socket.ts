import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import type { Logger } from "pino";
import { systemClock, type Clock } from "../../domain/clock.js";

/** Sockets tried, in order, when none is configured. */
const WELL_KNOWN_SOCKETS = ["/run/podman/podman.sock", "/var/run/docker.sock"];

/** Resolves true when something answers the Engine API's `/_ping` on this unix socket. */
export function pingSocket(socketPath: string, timeoutMs = 1500): Promise<boolean> {
  if (!existsSync(socketPath)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = request({ socketPath, path: "/_ping", method: "GET", timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => { req.destroy(); resolve(false); });
    req.end();
  });
}

/** The hard limit of a resource for this process, from /proc/self/limits (e.g. "Max open files"). */
function hardLimit(resource: "Max open files" | "Max processes"): number | undefined {
  try {
    const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith(resource));
    const hard = line?.slice(resource.length).trim().split(/\s+/)[1];
    return hard === undefined || hard === "unlimited" ? undefined : Number(hard);
  } catch {
    return undefined;
  }
}

/**
 * A containers.conf that works where skyrun runs: runc (crun fails on hybrid cgroup
 * hosts), cgroupfs without systemd, file events without journald, and explicit
 * ulimits no higher than this process may grant (containers otherwise fail with
 * "error setting rlimit ... operation not permitted").
 */
export function writeContainersConf(path: string): void {
  const nofile = Math.min(hardLimit("Max open files") ?? 20000, 20000);
  const nproc = Math.min(hardLimit("Max processes") ?? 32768, 32768);
  const systemd = existsSync("/run/systemd/system");
  const runtime = existsSync("/usr/bin/runc") || existsSync("/usr/sbin/runc") ? 'runtime = "runc"\n' : "";
  writeFileSync(path, [
    "# Written by skyrun for its own `podman system service`.",
    "[engine]",
    runtime + `cgroup_manager = "${systemd ? "systemd" : "cgroupfs"}"`,
    `events_logger = "${systemd ? "journald" : "file"}"`,
    "[containers]",
    `default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]`,
    'log_driver = "k8s-file"',
    "",
  ].join("\n"));
}

/** The containers.conf skyrun writes for the Podman it starts, in its engine state directory. */
export const engineConfigFile = (stateDir: string): string => join(stateDir, "containers.conf");

/** Writes skyrun's containers.conf into the engine state directory (for Slurm nodes too) and returns its path. */
export function ensureEngineConfigFile(stateDir: string): string {
  mkdirSync(stateDir, { recursive: true });
  const conf = engineConfigFile(stateDir);
  writeContainersConf(conf);
  return conf;
}

export interface EngineSocketOptions {
  /** A configured socket path; empty to discover one or start Podman. */
  readonly socketPath: string;
  /** Where skyrun keeps the socket and configuration of a Podman it starts. */
  readonly stateDir: string;
  readonly log: Logger;
  /** @defaultValue the system clock */
  readonly clock?: Clock;
  /** How long to wait for a started service to answer. @defaultValue 20000 */
  readonly startTimeoutMs?: number;
}

/**
 * Finds the Engine API socket: the configured one, a running Podman or Docker, or a
 * `podman system service` started here. A service skyrun starts is detached so that
 * running jobs and their logs outlive a skyrun restart; the next start reuses it.
 */
export async function ensureEngineSocket(o: EngineSocketOptions): Promise<string> {
  if (o.socketPath) return o.socketPath;
  const own = join(o.stateDir, "podman.sock");
  if (await pingSocket(own)) return own;
  for (const candidate of WELL_KNOWN_SOCKETS) if (await pingSocket(candidate)) return candidate;
  const conf = ensureEngineConfigFile(o.stateDir);
  const logFd = openSync(join(o.stateDir, "podman-service.log"), "a");
  o.log.info({ socket: own }, "starting podman system service");
  let child;
  try {
    child = spawn("podman", ["system", "service", "--time=0", `unix://${own}`], {
      detached: true,
      stdio: ["ignore", logFd, logFd],
      env: { ...process.env, CONTAINERS_CONF: conf },
    });
  } catch (e) {
    throw new Error(`cannot start podman (is it installed?): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  let spawnError: Error | undefined;
  child.on("error", (e) => { spawnError = e; });
  child.unref();
  const clock = o.clock ?? systemClock;
  const deadline = clock.now().getTime() + (o.startTimeoutMs ?? 20_000);
  while (clock.now().getTime() < deadline) {
    if (spawnError) throw new Error(`cannot start podman (is it installed?): ${spawnError.message}`);
    if (await pingSocket(own)) return own;
    await clock.sleep(100);
  }
  throw new Error(`podman system service did not answer on ${own} within ${(o.startTimeoutMs ?? 20_000) / 1000}s; see ${join(o.stateDir, "podman-service.log")}`);
}
