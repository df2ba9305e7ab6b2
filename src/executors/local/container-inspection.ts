import type Docker from "dockerode";
import type { JobId } from "../../domain/ids.js";
import { containerNameOf } from "../container-policy.js";
import { statusCodeOf } from "./engine-errors.js";

/** Podman sends null where dockerode's types (and Docker) promise a value: Labels of imported images, State.Error. */
export const engineMay = <T>(value: T): T | null | undefined => value;

/** An engine timestamp, or null for Go's zero time and anything unparseable. */
export const parseEngineTime = (s: string | undefined): Date | null => {
  if (!s || s.startsWith("0001-")) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** How a container ended, from the engine's inspect. */
export interface ContainerExit {
  readonly exitCode: number;
  readonly oomKilled: boolean;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly error: string;
}

/** The end instant to report: the engine's finish, unless it is missing or before the start (clock steps). */
export const endOf = (e: ContainerExit, fallback: Date): Date => (e.finishedAt && e.startedAt && e.finishedAt > e.startedAt ? e.finishedAt : fallback);

/** Reads containers' state, telling "gone" apart from "the engine failed". */
export interface ContainerInspection {
  /** How the job's container ended; undefined while it runs, was never started, or is gone. */
  exitOf(jobId: JobId): Promise<ContainerExit | undefined>;
  /** The same for one container by its id (an attempt's container, which the job's name may no longer reach). */
  exitOfContainer(containerId: string): Promise<ContainerExit | undefined>;
  /** When the job's container started, if it did and still exists. */
  startOf(jobId: JobId): Promise<Date | null | undefined>;
  /**
   * Did a call fail because the container no longer exists? Podman says so with 404, or
   * with 500 "does not exist in database" when it was removed mid-call; ask the engine
   * rather than read its words.
   */
  isGone(jobId: JobId, e: unknown): Promise<boolean>;
}

export function createContainerInspection(docker: Docker): ContainerInspection {
  async function isGone(jobId: JobId, e: unknown): Promise<boolean> {
    const status = statusCodeOf(e);
    if (status === 404) return true;
    if (status === undefined || status < 500) return false;
    const name = containerNameOf(jobId);
    const listed = await docker.listContainers({ all: true, filters: { name: [name] } }).catch(() => undefined);
    return listed !== undefined && !listed.some((c) => c.Names.some((n) => n.replace(/^\//, "") === name));
  }

  async function inspect(jobId: JobId): Promise<Docker.ContainerInspectInfo | undefined> {
    try {
      return await docker.getContainer(containerNameOf(jobId)).inspect();
    } catch (e) {
      if (await isGone(jobId, e)) return undefined;
      throw e;
    }
  }

  const exitFrom = (info: Docker.ContainerInspectInfo | undefined): ContainerExit | undefined => {
    if (!info || info.State.Running || info.State.Status === "created") return undefined;
    return {
      exitCode: info.State.ExitCode,
      oomKilled: info.State.OOMKilled,
      startedAt: parseEngineTime(info.State.StartedAt),
      finishedAt: parseEngineTime(info.State.FinishedAt),
      error: engineMay(info.State.Error) ?? "",
    };
  };

  return {
    isGone,
    exitOf: async (jobId) => exitFrom(await inspect(jobId)),
    exitOfContainer: async (containerId) => exitFrom(await docker.getContainer(containerId).inspect().catch(() => undefined)),
    async startOf(jobId) {
      const info = await inspect(jobId);
      return info ? parseEngineTime(info.State.StartedAt) : undefined;
    },
  };
}
