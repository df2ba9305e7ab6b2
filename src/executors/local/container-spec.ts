import type { ContainerCreateOptions } from "dockerode";
import { gibToBytes } from "../../domain/resources.js";
import type { RunRequest } from "../executor.js";

/**
 * Label keys skyrun puts on its containers, to find them again after a restart. The
 * managed label carries the server's instance id, so several skyrun servers sharing an
 * engine (or a test suite) never adopt each other's containers.
 */
export const LABEL_MANAGED = "skyrun.managed";
export const LABEL_JOB = "skyrun.job";
export const LABEL_OWNER = "skyrun.owner";

export const containerNameOf = (jobId: string): string => `skyrun-${jobId}`;

/**
 * The Engine API create body for a run: argv never through a shell, the user's uid
 * and gids, no capabilities, no privilege escalation, CPU and memory limits, the
 * mounts, and stdout/stderr in a k8s-file log that outlives the container.
 */
export function toContainerSpec(run: RunRequest, network: "bridge" | "none" | "host", instanceId: string): ContainerCreateOptions {
  const r = run.resources;
  const memory = gibToBytes(r.ramLimitGB);
  const spec: ContainerCreateOptions = {
    name: containerNameOf(run.jobId),
    Image: run.image,
    Env: run.env.map(([k, v]) => `${k}=${v}`),
    User: `${run.owner.uid}:${run.owner.gid}`,
    WorkingDir: run.workingDir,
    Hostname: run.hostname,
    Labels: { [LABEL_MANAGED]: instanceId, [LABEL_JOB]: run.jobId, [LABEL_OWNER]: run.owner.username },
    HostConfig: {
      Binds: run.mounts.map((m) => `${m.source}:${m.target}${m.readOnly ? ":ro" : ""}`),
      GroupAdd: run.owner.groups.map(String),
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      Privileged: false,
      // A tiny init (catatonit) as PID 1 forwards SIGTERM and reaps zombies: without it a
      // program that ignores signals as PID 1 waits out the whole grace period on delete.
      Init: true,
      NanoCpus: Math.round(r.coresLimit * 1e9),
      // Shares follow the request, so under contention each job gets what it asked for.
      CpuShares: Math.max(2, Math.round(r.coresRequest * 1024)),
      Memory: memory,
      MemorySwap: memory,
      NetworkMode: network,
      LogConfig: { Type: "k8s-file", Config: { path: run.logPath } },
    },
  };
  // An Entrypoint override without Cmd must not inherit the image's CMD (Kubernetes `command` semantics).
  if (run.command) {
    spec.Entrypoint = [...run.command];
    spec.Cmd = run.args ? [...run.args] : [];
  } else if (run.args) {
    spec.Cmd = [...run.args];
  }
  return spec;
}
