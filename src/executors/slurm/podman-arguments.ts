import { ExecutorError } from "../../domain/errors.js";
import type { BindMount } from "../executor.js";
import type { ContainerPolicy } from "../container-policy.js";
import type { PreparedRunFiles } from "./run-files.js";

/** Label that marks skyrun's containers on Slurm nodes (not `skyrun.managed`: a local executor on the same host must not adopt them). */
export const LABEL_SLURM_JOB = "skyrun.slurm.job";

/** The labels a container on a Slurm node carries besides the owner's. */
export const slurmEngineLabels = (jobId: string): Record<string, string> => ({ [LABEL_SLURM_JOB]: jobId });

/** Name of the Podman secret carrying the `index`-th variable that cannot go in the env file. */
export const secretNameOf = (jobId: string, index: number): string => `skyrun-${jobId}-env-${index}`;

/** Paths reach `-v SOURCE:TARGET`, where a colon would split them differently. */
function bindOf(m: BindMount): string {
  if (m.source.includes(":") || m.target.includes(":")) {
    throw new ExecutorError("EXECUTOR_REJECTED", `cannot mount ${m.source} at ${m.target}: a path with ':' cannot be given to podman -v`);
  }
  return `${m.source}:${m.target}${m.readOnly ? ":ro" : ""}`;
}

/**
 * The container policy as `podman run` options, the CLI twin of the Engine API body
 * (local/engine-container-spec.ts). Output passes straight to the Slurm output file
 * (`--log-driver=passthrough`), in order; the environment comes from a file and
 * secrets; the account files are the ones the wrapper merges on the node. Ends before
 * the image; the wrapper adds the per-node parts, the image and the args.
 */
export function podmanRunArguments(p: ContainerPolicy, jobId: string, files: PreparedRunFiles): string[] {
  const args = [
    "run",
    `--name=${p.name}`,
    "--pull=never",
    "--log-driver=passthrough",
    // The wrapper stops the container itself, with the grace period; the client must not race it.
    "--sig-proxy=false",
    ...Object.entries(p.labels).map(([k, v]) => `--label=${k}=${v}`),
    `--user=${p.user.uid}:${p.user.gid}`,
    ...p.groups.map((g) => `--group-add=${g}`),
    ...p.dropCapabilities.map((c) => `--cap-drop=${c.toLowerCase()}`),
    "--security-opt=no-new-privileges",
    ...(p.seccompProfile ? [`--security-opt=seccomp=${p.seccompProfile}`] : []),
    "--init",
    `--cpus=${p.limits.nanoCpus / 1e9}`,
    `--cpu-shares=${p.limits.cpuShares}`,
    `--memory=${p.limits.memoryBytes}b`,
    `--memory-swap=${p.limits.memorySwapBytes}b`,
    `--pids-limit=${p.limits.pids}`,
    ...(p.cgroupParent ? [`--cgroup-parent=${p.cgroupParent}`] : []),
    `--network=${p.network}`,
    `--hostname=${p.hostname}`,
    `--workdir=${p.workingDir}`,
    ...p.mounts.map((m) => `--volume=${bindOf(m)}`),
    `--volume=${bindOf({ source: files.paths.passwdFile, target: "/etc/passwd", readOnly: true })}`,
    `--volume=${bindOf({ source: files.paths.groupFile, target: "/etc/group", readOnly: true })}`,
    `--env-file=${files.paths.envFile}`,
    ...files.secretKeys.map((key, i) => `--secret=${secretNameOf(jobId, i)},type=env,target=${key}`),
  ];
  // JSON form keeps a multi-word entrypoint as argv.
  if (p.entrypoint) args.push(`--entrypoint=${JSON.stringify(p.entrypoint)}`);
  return args;
}
