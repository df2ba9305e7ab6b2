import type { Job } from "../domain/job.js";
import type { RegistryCredentials, RunRequest } from "../executors/executor.js";
import { homeInContainer, type DataLayout } from "../storage/data-layout.js";
import type { JobDirectories } from "../storage/job-directories.js";

export interface RunRequestDeps {
  readonly layout: DataLayout;
  readonly dirs: JobDirectories;
  /** Opens a job's sealed registry credentials. */
  readonly unsealRegistryAuth: (sealed: string) => RegistryCredentials;
  readonly publicHostname: string;
}

/**
 * The environment of a job: the user's variables first, then skyrun's, which win
 * (the parser already refuses user values for the reserved names). OMP_NUM_THREADS
 * follows the requested cores unless the user set it.
 */
export function jobEnvironment(job: Job, publicHostname: string): [string, string][] {
  const env = new Map<string, string>(job.env.map(([k, v]) => [k, v]));
  if (job.replicaIndex !== null && job.replicaCount !== null) {
    env.set("REPLICA_ID", String(job.replicaIndex));
    env.set("REPLICA_COUNT", String(job.replicaCount));
  }
  if (!env.has("OMP_NUM_THREADS")) env.set("OMP_NUM_THREADS", String(Math.max(1, Math.floor(job.resources.coresRequest))));
  const home = homeInContainer(job.owner.username);
  env.set("skaha_hostname", publicHostname);
  env.set("skaha_username", job.owner.username);
  env.set("skaha_sessionid", job.id);
  env.set("SKAHA_SESSION_ID", job.id);
  env.set("HOME", home);
  env.set("PWD", home);
  return [...env];
}

/** Prepares the host side of a run (home, scratch, log directory) and describes it for the engine. */
export function buildRunRequest(job: Job, deps: RunRequestDeps): RunRequest {
  deps.dirs.ensureHome(job.owner);
  const scratch = deps.dirs.createScratch(job.id, job.owner);
  return {
    jobId: job.id,
    image: job.image,
    command: job.command,
    args: job.args,
    env: jobEnvironment(job, deps.publicHostname),
    owner: job.owner,
    resources: job.resources,
    hostname: job.name,
    workingDir: homeInContainer(job.owner.username),
    mounts: [
      { source: deps.layout.arcRoot, target: "/arc", readOnly: false },
      { source: scratch, target: "/scratch", readOnly: false },
    ],
    logPath: deps.dirs.prepareLog(job.id),
    deadlineSeconds: job.deadlineSeconds,
    registryAuth: job.sealedRegistryAuth ? deps.unsealRegistryAuth(job.sealedRegistryAuth) : null,
  };
}
