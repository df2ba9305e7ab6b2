import { gibToBytes } from "../domain/resources.js";
import type { PosixAccounts } from "../domain/posix-accounts.js";
import type { BindMount, RunRequest } from "./executor.js";

/** Label on every skyrun container: the user it runs for. */
export const LABEL_OWNER = "skyrun.owner";

/** A job's container name on any engine. */
export const containerNameOf = (jobId: string): string => `skyrun-${jobId}`;

/** Processes one job may have at once: a fork bomb stops here instead of at the host's limit. */
export const JOB_PIDS_LIMIT = 4096;

/**
 * Everything a job's container gets, decided once for every engine: who it runs as and
 * the account entries naming them, what it may not do, its limits, mounts, environment,
 * labels and name. Pure data; `local/engine-container-spec.ts` renders it for the Engine
 * API and `slurm/podman-arguments.ts` for the `podman run` line on Slurm nodes, and a
 * test checks that both carry every field.
 */
export interface ContainerPolicy {
  readonly name: string;
  readonly image: string;
  /** The user's uid and primary gid (= uid, the platform's convention). */
  readonly user: { readonly uid: number; readonly gid: number };
  /** Supplementary gids: the user's groups (project directories). */
  readonly groups: readonly number[];
  /** Entries added to the image's /etc/passwd and /etc/group so ids have names. */
  readonly accounts: PosixAccounts;
  /** Capabilities dropped: all of them. */
  readonly dropCapabilities: readonly ["ALL"];
  readonly noNewPrivileges: true;
  /** A seccomp profile (file) that refuses new namespaces and other calls a batch job has no business making; null for the engine's default. */
  readonly seccompProfile: string | null;
  /** A tiny init as PID 1 forwards signals and reaps zombies. */
  readonly init: true;
  readonly limits: {
    readonly nanoCpus: number;
    /** Relative CPU weight under contention, following the request. */
    readonly cpuShares: number;
    readonly memoryBytes: number;
    /** Equal to the memory: no swap beyond it. */
    readonly memorySwapBytes: number;
    readonly pids: number;
  };
  /**
   * The cgroup the container's own cgroup is made under: skyrun's jobs cgroup, whose
   * low CPU weight keeps the server (and the engine) responsive when jobs fill every
   * core. null for the engine's default (on Slurm nodes, Slurm's job cgroup).
   */
  readonly cgroupParent: string | null;
  readonly mounts: readonly BindMount[];
  /** The full environment, user's then skyrun's. */
  readonly env: readonly (readonly [string, string])[];
  readonly labels: Readonly<Record<string, string>>;
  readonly hostname: string;
  readonly workingDir: string;
  readonly network: "bridge" | "none" | "host";
  /** Entrypoint override as argv, or null for the image's. */
  readonly entrypoint: readonly string[] | null;
  /** Arguments (CMD) as argv; null for the image's. With an entrypoint override and no args, empty (Kubernetes `command` semantics). */
  readonly args: readonly string[] | null;
}

export interface PolicyOptions {
  readonly network: "bridge" | "none" | "host";
  /** Labels by which the engine's executor finds its containers again. */
  readonly engineLabels: Readonly<Record<string, string>>;
  readonly seccompProfile: string | null;
  /** The parent cgroup of job containers (jobs-cgroup.ts), or null for the engine's default. @defaultValue null */
  readonly cgroupParent?: string | null;
}

/** The one container policy for a run. Pure. */
export function containerPolicyOf(run: RunRequest, o: PolicyOptions): ContainerPolicy {
  const r = run.resources;
  const memory = gibToBytes(r.ramLimitGB);
  return {
    name: containerNameOf(run.jobId),
    image: run.image,
    user: { uid: run.owner.uid, gid: run.owner.gid },
    groups: [...run.owner.groups],
    accounts: run.accounts,
    dropCapabilities: ["ALL"],
    noNewPrivileges: true,
    seccompProfile: o.seccompProfile,
    init: true,
    limits: {
      nanoCpus: Math.round(r.coresLimit * 1e9),
      cpuShares: Math.max(2, Math.round(r.coresRequest * 1024)),
      memoryBytes: memory,
      memorySwapBytes: memory,
      pids: JOB_PIDS_LIMIT,
    },
    cgroupParent: o.cgroupParent ?? null,
    mounts: run.mounts,
    env: run.env,
    labels: { ...o.engineLabels, [LABEL_OWNER]: run.owner.username },
    hostname: run.hostname,
    workingDir: run.workingDir,
    network: o.network,
    entrypoint: run.command,
    args: run.command ? (run.args ?? []) : run.args,
  };
}
