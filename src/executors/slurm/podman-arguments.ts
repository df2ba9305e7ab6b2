import { ExecutorError } from "../../domain/errors.js";
import { gibToBytes } from "../../domain/resources.js";
import type { RunRequest } from "../executor.js";
import type { PreparedRunFiles } from "./run-files.js";

/** Label that marks skyrun's containers on Slurm nodes (not `skyrun.managed`: a local executor on the same host must not adopt them). */
export const LABEL_SLURM_JOB = "skyrun.slurm.job";

/** Name of the Podman secret carrying the `index`-th variable that cannot go in the env file. */
export const secretNameOf = (jobId: string, index: number): string => `skyrun-${jobId}-env-${index}`;

/** Paths reach `-v SOURCE:TARGET`, where a colon would split them differently. */
function bindOf(m: RunRequest["mounts"][number]): string {
  if (m.source.includes(":") || m.target.includes(":")) {
    throw new ExecutorError("EXECUTOR_REJECTED", `cannot mount ${m.source} at ${m.target}: a path with ':' cannot be given to podman -v`);
  }
  return `${m.source}:${m.target}${m.readOnly ? ":ro" : ""}`;
}

/**
 * `podman run` options for a run, the CLI twin of the local executor's Engine API body
 * (container-spec.ts): the user's uid, gid and groups, no capabilities, no privilege
 * escalation, CPU and memory limits, the mounts, the environment from a file. Output
 * passes straight to the Slurm output file (`--log-driver=passthrough`), in order.
 * Ends before the image; the wrapper adds the per-node parts, the image and the args.
 */
export function podmanRunArguments(run: RunRequest, files: PreparedRunFiles, o: { readonly network: string }): string[] {
  const r = run.resources;
  const memory = gibToBytes(r.ramLimitGB);
  const args = [
    "run",
    `--name=skyrun-${run.jobId}`,
    "--pull=never",
    "--log-driver=passthrough",
    // The wrapper stops the container itself, with the grace period; the client must not race it.
    "--sig-proxy=false",
    `--label=${LABEL_SLURM_JOB}=${run.jobId}`,
    `--label=skyrun.owner=${run.owner.username}`,
    `--user=${run.owner.uid}:${run.owner.gid}`,
    ...run.owner.groups.map((g) => `--group-add=${g}`),
    "--cap-drop=all",
    "--security-opt=no-new-privileges",
    `--cpus=${r.coresLimit}`,
    `--cpu-shares=${Math.max(2, Math.round(r.coresRequest * 1024))}`,
    `--memory=${memory}b`,
    `--memory-swap=${memory}b`,
    `--network=${o.network}`,
    `--hostname=${run.hostname}`,
    `--workdir=${run.workingDir}`,
    ...run.mounts.map((m) => `--volume=${bindOf(m)}`),
    `--env-file=${files.paths.envFile}`,
    ...files.secretKeys.map((key, i) => `--secret=${secretNameOf(run.jobId, i)},type=env,target=${key}`),
  ];
  // JSON form keeps a multi-word entrypoint as argv.
  if (run.command) args.push(`--entrypoint=${JSON.stringify(run.command)}`);
  return args;
}
