import type { Logger } from "pino";
import type { Config } from "../config/config-schema.js";
import type { Clock } from "../domain/clock.js";
import type { DataLayout } from "../storage/data-layout.js";
import type { Executor, ExecutorKind } from "./executor.js";

/** What every executor gets besides its own section of the configuration. */
export interface ExecutorContext {
  readonly layout: DataLayout;
  readonly log: Logger;
  readonly clock: Clock;
  /** The hardened seccomp profile file jobs run under, or null for the engine's default. */
  readonly seccompProfile: string | null;
  /** Hosts of the registries users run images from; `insecure` ones speak plain HTTP. */
  readonly registries: readonly { readonly host: string; readonly insecure: boolean }[];
}

export type LocalExecutorSection = Config["local"];
export type SlurmExecutorSection = Config["slurm"];

/** Each executor by kind, with only its own section; loaded lazily so a site pays only for the engine it uses. */
export interface ExecutorFactories {
  local(section: LocalExecutorSection, ctx: ExecutorContext): Promise<Executor>;
  slurm(section: SlurmExecutorSection, ctx: ExecutorContext): Promise<Executor>;
}

export const EXECUTORS: ExecutorFactories & Record<ExecutorKind, unknown> = {
  async local(section, { layout, log, clock, seccompProfile, registries }) {
    const { ensureEngineSocket } = await import("./local/engine-socket.js");
    const { createPodmanExecutor } = await import("./local/podman-executor.js");
    const { ensureJobsCgroup, hostCgroupManager } = await import("./local/jobs-cgroup.js");
    const socketPath = await ensureEngineSocket({ socketPath: section.socketPath, stateDir: layout.engineStateDir, log, clock });
    log.info({ socketPath }, "container engine socket");
    const { loadOrCreateInstanceId } = await import("../storage/instance-id.js");
    return createPodmanExecutor({ log, clock }, {
      socketPath,
      network: section.network,
      instanceId: loadOrCreateInstanceId(layout.dataDir),
      accountsDir: (jobId) => layout.accountsDir(jobId),
      insecureRegistries: registries.filter((r) => r.insecure).map((r) => r.host),
      registryHosts: registries.map((r) => r.host),
      seccompProfile,
      stopGraceSeconds: section.stopTimeoutSeconds,
      cgroupParent: ensureJobsCgroup({ name: section.jobsCgroup, cpuWeight: section.jobsCpuWeight, manager: hostCgroupManager() }, log),
    });
  },
  async slurm(section, { layout, log, clock, seccompProfile, registries }) {
    const { createSlurmExecutor } = await import("./slurm/slurm-executor.js");
    const { ensureEngineConfigFile } = await import("./local/engine-socket.js");
    // Without a site's own containers.conf, nodes get the settings skyrun's own engine works with here.
    const containersConf = section.containersConf === "" ? ensureEngineConfigFile(layout.engineStateDir) : section.containersConf === "node" ? "" : section.containersConf;
    log.info({ partition: section.partition || "(default)", account: section.account || "(default)", mode: section.mode, conf: section.conf || "(default)", containersConf: containersConf || "(node's own)" }, "Slurm executor");
    return createSlurmExecutor({ log, clock }, {
      ...section,
      containersConf,
      seccompProfile,
      registryHosts: registries.map((r) => r.host),
      stopGraceSeconds: section.stopTimeoutSeconds,
      dataDir: layout.dataDir,
      logPathOf: (jobId) => layout.logPath(jobId),
    });
  },
};
