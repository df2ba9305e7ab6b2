import type Docker from "dockerode";
import type { Clock } from "../../domain/clock.js";
import type { JobId } from "../../domain/ids.js";
import type { RunRef, RunStatus } from "../executor.js";
import { endOf, type ContainerInspection } from "./container-inspection.js";
import { LABEL_JOB } from "./engine-container-spec.js";
import { toExecutorError } from "./engine-errors.js";

/** The engine's view of these runs, from one container listing; a run without a container is `vanished`. */
export async function runStatusesOf(docker: Docker, inspection: ContainerInspection, clock: Clock, managedLabel: string, refs: readonly RunRef[]): Promise<Map<JobId, RunStatus>> {
  const wanted = new Set(refs.map((r) => r.jobId));
  const result = new Map<JobId, RunStatus>();
  let containers: Docker.ContainerInfo[];
  try {
    containers = await docker.listContainers({ all: true, filters: { label: [managedLabel] } });
  } catch (e) {
    throw toExecutorError(e, "listing containers");
  }
  for (const c of containers) {
    const jobId = c.Labels[LABEL_JOB] as JobId | undefined;
    if (!jobId || !wanted.has(jobId)) continue;
    if (c.State === "running") {
      result.set(jobId, { phase: "running", startedAt: (await inspection.startOf(jobId)) ?? new Date(c.Created * 1000) });
    } else if (c.State === "exited" || c.State === "stopped") {
      const d = await inspection.exitOf(jobId);
      if (d) result.set(jobId, { phase: "exited", exitCode: d.exitCode, oomKilled: d.oomKilled, startedAt: d.startedAt, finishedAt: endOf(d, clock.now()) });
    } else {
      result.set(jobId, { phase: "pending", reason: `container is ${c.State}` });
    }
  }
  for (const { jobId } of refs) if (!result.has(jobId)) result.set(jobId, { phase: "vanished", reason: "the container engine has no container for this job" });
  return result;
}
