import type { Logger } from "pino";
import type { Config } from "../config/config-schema.js";
import type { DataLayout } from "../storage/data-layout.js";
import type { Executor, ExecutorKind } from "./executor.js";

export type ExecutorFactory = (config: Config, layout: DataLayout, log: Logger) => Promise<Executor>;

/** Every executor, loaded lazily so a site pays only for the engine it uses. */
export const EXECUTORS: Record<ExecutorKind, ExecutorFactory> = {
  local: async (config, layout, log) => {
    const { ensureEngineSocket } = await import("./local/engine-socket.js");
    const { createPodmanExecutor } = await import("./local/podman-executor.js");
    const socketPath = await ensureEngineSocket({ socketPath: config.local.socketPath, stateDir: layout.engineStateDir, log });
    log.info({ socketPath }, "container engine socket");
    const { loadOrCreateInstanceId } = await import("../storage/instance-id.js");
    return createPodmanExecutor({ log }, {
      socketPath,
      network: config.local.network,
      instanceId: loadOrCreateInstanceId(layout.dataDir),
      accountsDir: (jobId) => layout.accountsDir(jobId),
      insecureRegistries: config.registries.filter((r) => r.insecure).map((r) => r.host),
    });
  },
  slurm: async (config, layout, log) => {
    const { createSlurmExecutor } = await import("./slurm/slurm-executor.js");
    const s = config.slurm;
    log.info({ partition: s.partition || "(default)", account: s.account || "(default)", mode: s.mode, conf: s.conf || "(default)" }, "Slurm executor");
    return createSlurmExecutor({ log }, {
      ...s,
      stopGraceSeconds: config.local.stopTimeoutSeconds,
      dataDir: layout.dataDir,
      logPathOf: (jobId) => layout.logPath(jobId),
    });
  },
};
