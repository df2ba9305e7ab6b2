import type { ContainerCreateOptions } from "dockerode";
import type { ContainerPolicy } from "../container-policy.js";
import type { AccountFilePaths } from "./image-accounts.js";

/**
 * Label keys by which the local executor finds its containers after a restart. The
 * managed label carries the server's instance id, so several skyrun servers sharing an
 * engine (or a test suite) never adopt each other's containers.
 */
export const LABEL_MANAGED = "skyrun.managed";
export const LABEL_JOB = "skyrun.job";

/** The labels a local container carries besides the owner's. */
export const localEngineLabels = (jobId: string, instanceId: string): Record<string, string> => ({ [LABEL_MANAGED]: instanceId, [LABEL_JOB]: jobId });

/**
 * The container policy as an Engine API create body. stdout/stderr go to a k8s-file
 * log that outlives the container; the account files (the image's merged with the
 * policy's entries, image-accounts.ts) are mounted over /etc/passwd and /etc/group.
 */
export function toEngineContainerSpec(p: ContainerPolicy, o: { readonly logPath: string; readonly accountFiles: AccountFilePaths }): ContainerCreateOptions {
  const mounts = [...p.mounts, { source: o.accountFiles.passwd, target: "/etc/passwd", readOnly: true }, { source: o.accountFiles.group, target: "/etc/group", readOnly: true }];
  const spec: ContainerCreateOptions = {
    name: p.name,
    Image: p.image,
    Env: p.env.map(([k, v]) => `${k}=${v}`),
    User: `${p.user.uid}:${p.user.gid}`,
    WorkingDir: p.workingDir,
    Hostname: p.hostname,
    Labels: { ...p.labels },
    HostConfig: {
      Binds: mounts.map((m) => `${m.source}:${m.target}${m.readOnly ? ":ro" : ""}`),
      GroupAdd: p.groups.map(String),
      CapDrop: [...p.dropCapabilities],
      SecurityOpt: ["no-new-privileges", ...(p.seccompProfile ? [`seccomp=${p.seccompProfile}`] : [])],
      Privileged: false,
      Init: p.init,
      NanoCpus: p.limits.nanoCpus,
      CpuShares: p.limits.cpuShares,
      Memory: p.limits.memoryBytes,
      MemorySwap: p.limits.memorySwapBytes,
      PidsLimit: p.limits.pids,
      ...(p.cgroupParent ? { CgroupParent: p.cgroupParent } : {}),
      NetworkMode: p.network,
      LogConfig: { Type: "k8s-file", Config: { path: o.logPath } },
    },
  };
  if (p.entrypoint) spec.Entrypoint = [...p.entrypoint];
  if (p.args) spec.Cmd = [...p.args];
  return spec;
}
