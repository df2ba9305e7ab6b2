import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";

/** Where the host's cgroup hierarchies are mounted. */
const CGROUP_ROOT = "/sys/fs/cgroup";

/** The CPU weight (cgroup v2 units, 1–10000) a process in a default cgroup has: the server's. */
export const DEFAULT_CPU_WEIGHT = 100;

export interface JobsCgroupOptions {
  /** Name of the jobs' parent cgroup (a `.slice` under the systemd cgroup manager); empty: none. */
  readonly name: string;
  /** Its CPU weight in cgroup v2 units; the server's cgroup has 100. */
  readonly cpuWeight: number;
  /** Podman's cgroup manager. */
  readonly manager: "cgroupfs" | "systemd";
  /** @defaultValue /sys/fs/cgroup */
  readonly root?: string;
}

/** cgroup v1 `cpu.shares` for a v2 weight: 100 ↔ 1024, as the engines convert. */
export const sharesOfWeight = (weight: number): number => Math.max(2, Math.round((weight * 1024) / DEFAULT_CPU_WEIGHT));

/**
 * Makes the cgroup every job container is created under, with a CPU weight below the
 * server's: when jobs fill every core, the kernel still gives the server (and the
 * engine and conmon, which stay in their own cgroups) the CPU to answer requests and
 * start the next containers. Within it, each container keeps its own weight following
 * its cores request. Only under contention does the weight matter: jobs still get
 * every idle cycle.
 *
 * Best effort: where skyrun may not make cgroups (rootless), returns null and jobs
 * run in the engine's default cgroup, as before.
 * @returns the parent to give the engine (`CgroupParent`), or null.
 */
export function ensureJobsCgroup(o: JobsCgroupOptions, log: Logger): string | null {
  if (o.name === "") return null;
  const root = o.root ?? CGROUP_ROOT;
  try {
    if (o.manager === "systemd") {
      const slice = o.name.endsWith(".slice") ? o.name : `${o.name}.slice`;
      execFileSync("systemctl", ["set-property", "--runtime", slice, `CPUWeight=${o.cpuWeight}`], { stdio: "ignore" });
      return slice;
    }
    if (existsSync(join(root, "cgroup.controllers"))) {
      // cgroup v2: the cpu controller must be on for the root's children.
      const control = join(root, "cgroup.subtree_control");
      if (!readFileSync(control, "utf8").split(/\s+/).includes("cpu")) writeFileSync(control, "+cpu");
      mkdirSync(join(root, o.name), { recursive: true });
      writeFileSync(join(root, o.name, "cpu.weight"), String(o.cpuWeight));
    } else {
      const cpu = [join(root, "cpu"), join(root, "cpu,cpuacct")].find((d) => existsSync(join(d, "cpu.shares")));
      if (!cpu) throw new Error("no cpu controller mounted");
      mkdirSync(join(cpu, o.name), { recursive: true });
      writeFileSync(join(cpu, o.name, "cpu.shares"), String(sharesOfWeight(o.cpuWeight)));
    }
    return `/${o.name}`;
  } catch (e) {
    log.warn({ err: (e as Error).message, cgroup: o.name }, "could not make the jobs' cgroup of lower CPU weight; jobs run in the engine's default cgroup and may slow the API when they fill every core");
    return null;
  }
}

/** The cgroup manager Podman uses where skyrun runs (the rule of engine-socket.ts's containers.conf). */
export const hostCgroupManager = (): "cgroupfs" | "systemd" => (existsSync("/run/systemd/system") ? "systemd" : "cgroupfs");
