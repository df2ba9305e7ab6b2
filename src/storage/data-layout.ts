import { join } from "node:path";

/** Where skyrun keeps things on disk. The only module that builds these paths. */
export interface DataLayout {
  readonly dataDir: string;
  /** Host directory mounted at /arc in every job. */
  readonly arcRoot: string;
  logPath(jobId: string): string;
  /** The log of an ended attempt of a retried job. */
  attemptLogPath(jobId: string, attempt: number): string;
  /** The host path of a container path on /arc (`/arc/home/u/x` → `<arcRoot>/home/u/x`), or undefined when it is not on /arc. */
  hostPathOnArc(containerPath: string): string | undefined;
  scratchDir(jobId: string): string;
  /** Host path of a user's home: `<arcRoot>/home/<user>`. */
  homeDir(username: string): string;
  /** Host path of a group's project space: `<arcRoot>/projects/<group>`. */
  projectDir(group: string): string;
  /** Where the local engine writes a job's `/etc/passwd` and `/etc/group` (mounted read-only). */
  accountsDir(jobId: string): string;
  /** Engine state skyrun owns (the socket of a Podman it started). */
  readonly engineStateDir: string;
}

/** The path of the user's home inside a job. */
export const homeInContainer = (username: string): string => `/arc/home/${username}`;

export function createDataLayout(dataDir: string, arcRoot: string): DataLayout {
  // Two-character shards keep directories small with millions of jobs.
  const shard = (id: string) => id.slice(0, 2);
  return {
    dataDir,
    arcRoot,
    logPath: (jobId) => join(dataDir, "logs", shard(jobId), `${jobId}.log`),
    attemptLogPath: (jobId, attempt) => join(dataDir, "logs", shard(jobId), `${jobId}.attempt-${attempt}.log`),
    hostPathOnArc: (p) => (p === "/arc" || p.startsWith("/arc/") ? join(arcRoot, p.slice("/arc".length)) : undefined),
    scratchDir: (jobId) => join(dataDir, "scratch", jobId),
    homeDir: (username) => join(arcRoot, "home", username),
    projectDir: (group) => join(arcRoot, "projects", group),
    accountsDir: (jobId) => join(dataDir, "accounts", shard(jobId), jobId),
    engineStateDir: join(dataDir, "podman"),
  };
}
