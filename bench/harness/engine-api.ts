import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import Docker from "dockerode";

/**
 * One create + start of a trivial container straight through the Engine API socket,
 * with what skyrun gives its containers (init, no capabilities, no new privileges,
 * limits, a k8s-file log, the jobs' cgroup): the floor for skyrun's dispatch without
 * skyrun. Resolves with the ms of each phase: create, start (until the start call
 * returned: the container runs), exit (until the wait returned), removal.
 */
export interface EnginePhases {
  readonly create: number;
  readonly start: number;
  readonly exit: number;
  readonly remove: number;
}

export async function engineApiPhases(socketPath: string, image: string, root: string, o: { cgroupParent: string | null; network: "bridge" | "none" }): Promise<EnginePhases> {
  const docker = new Docker({ socketPath });
  const logs = mkdtempSync(join(root, "engine-api-"));
  const t0 = performance.now();
  const c = await docker.createContainer({
    Image: image,
    Cmd: ["true"],
    User: "20001:20001",
    HostConfig: {
      Init: true, CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges"], NanoCpus: 1e9, CpuShares: 1024, Memory: 2 ** 30, MemorySwap: 2 ** 30, PidsLimit: 4096,
      NetworkMode: o.network, LogConfig: { Type: "k8s-file", Config: { path: join(logs, "log") } },
      ...(o.cgroupParent ? { CgroupParent: o.cgroupParent } : {}),
    },
  });
  const t1 = performance.now();
  await c.start();
  const t2 = performance.now();
  await c.wait().catch(() => undefined);
  const t3 = performance.now();
  await c.remove({ force: true }).catch(() => undefined);
  const t4 = performance.now();
  rmSync(logs, { recursive: true, force: true });
  return { create: t1 - t0, start: t2 - t1, exit: t3 - t2, remove: t4 - t3 };
}

/** Create + start, ms: the floor of submit-to-Running. */
export const engineApiCreateStart = async (socketPath: string, image: string, root: string, cgroupParent: string | null): Promise<number> => {
  const p = await engineApiPhases(socketPath, image, root, { cgroupParent, network: "bridge" });
  return p.create + p.start;
};
