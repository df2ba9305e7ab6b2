import { existsSync, statSync } from "node:fs";
import { ExecutorError } from "../domain/errors.js";
import type { Job } from "../domain/job.js";
import type { PosixAccounts } from "../domain/posix-accounts.js";
import type { RegistryCredentials, RunRequest } from "../executors/executor.js";
import { homeInContainer, type DataLayout } from "../storage/data-layout.js";
import type { JobDirectories } from "../storage/job-directories.js";

export interface RunRequestDeps {
  readonly layout: DataLayout;
  readonly dirs: JobDirectories;
  /** Opens a job's sealed registry credentials. */
  readonly unsealRegistryAuth: (sealed: string) => RegistryCredentials;
  readonly publicHostname: string;
  /** Group names by gid, from the user directory, read when a job starts. */
  readonly groupNames: () => Promise<ReadonlyMap<number, string>>;
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

/**
 * The names of the job's ids: the user with a private group of the same number, and
 * each supplementary gid that still has a name (a group removed since submission
 * keeps its number, unnamed).
 */
export function jobAccounts(job: Job, names: ReadonlyMap<number, string>): PosixAccounts {
  const o = job.owner;
  const groups = o.groups.flatMap((gid) => {
    const name = names.get(gid);
    return name ? [{ name, gid }] : [];
  });
  return {
    user: { name: o.username, uid: o.uid, gid: o.gid, home: homeInContainer(o.username), shell: "/bin/sh" },
    groups: [{ name: o.username, gid: o.gid }, ...groups],
  };
}

/** The container's working directory: the session's `workdir`, which must exist, else the user's home. */
function workdirOf(job: Job, layout: DataLayout): string {
  if (job.workdir === null) return homeInContainer(job.owner.username);
  const host = layout.hostPathOnArc(job.workdir);
  if (host === undefined || !existsSync(host) || !statSync(host).isDirectory()) {
    throw new ExecutorError("EXECUTOR_REJECTED", `workdir ${job.workdir} does not exist: create it, or leave workdir out to start in your home`);
  }
  return job.workdir;
}

/**
 * Prepares the host side of a run (home, project directories of the user's groups,
 * scratch, log directory) and describes it for the engine.
 */
export async function buildRunRequest(job: Job, deps: RunRequestDeps): Promise<RunRequest> {
  // The group table is read only for a user who has supplementary groups to name.
  const accounts = jobAccounts(job, job.owner.groups.length > 0 ? await deps.groupNames() : new Map<number, string>());
  deps.dirs.ensureHome(job.owner);
  deps.dirs.ensureProjects(accounts.groups.slice(1));
  const scratch = deps.dirs.createScratch(job.id, job.owner);
  return {
    jobId: job.id,
    attempt: job.attempt,
    image: job.image,
    command: job.command,
    args: job.args,
    env: jobEnvironment(job, deps.publicHostname),
    owner: job.owner,
    accounts,
    resources: job.resources,
    hostname: job.name,
    workingDir: workdirOf(job, deps.layout),
    mounts: [
      { source: deps.layout.arcRoot, target: "/arc", readOnly: false },
      { source: scratch, target: "/scratch", readOnly: false },
    ],
    logPath: deps.dirs.prepareLog(job.id),
    deadlineSeconds: job.deadlineSeconds,
    registryAuth: job.sealedRegistryAuth ? deps.unsealRegistryAuth(job.sealedRegistryAuth) : null,
  };
}
