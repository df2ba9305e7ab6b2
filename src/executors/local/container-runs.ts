import type Docker from "dockerode";
import { ExecutorError } from "../../domain/errors.js";
import type { JobId } from "../../domain/ids.js";
import { containerPolicyOf } from "../container-policy.js";
import type { RunRequest } from "../executor.js";
import type { ContainerInspection } from "./container-inspection.js";
import { engineMay } from "./container-inspection.js";
import { LABEL_JOB, LABEL_MANAGED, localEngineLabels, toEngineContainerSpec } from "./engine-container-spec.js";
import { engineMessage, statusCodeOf, toExecutorError } from "./engine-errors.js";
import type { JobAccountFiles } from "./image-accounts.js";

export interface ContainerRunsOptions {
  readonly network: "bridge" | "none" | "host";
  readonly instanceId: string;
  readonly seccompProfile: string | null;
  readonly cgroupParent: string | null;
}

/** Creates and starts jobs' containers; a container an earlier attempt made is adopted, never doubled. */
export class ContainerRuns {
  constructor(
    private readonly docker: Docker,
    private readonly inspection: ContainerInspection,
    private readonly o: ContainerRunsOptions,
    private readonly accounts: JobAccountFiles,
    /** Learns container ids, for the exit fast path. */
    private readonly remember: (containerId: string, jobId: JobId) => void,
  ) {}

  /** Creates the job's container from the image with this id. Resolves true when an existing one of this job already runs or ran. */
  async create(run: RunRequest, imageId: string): Promise<boolean> {
    const policy = containerPolicyOf(run, { network: this.o.network, engineLabels: localEngineLabels(run.jobId, this.o.instanceId), seccompProfile: this.o.seccompProfile, cgroupParent: this.o.cgroupParent });
    const accountFiles = await this.accounts.prepare(run, imageId);
    try {
      const spec = toEngineContainerSpec(policy, { logPath: run.logPath, accountFiles });
      // dockerode would also copy the whole spec (argv, environment) into the query string, which
      // Podman refuses past about 1 MB (431): the name alone goes there, the spec in the body.
      const created = await this.docker.createContainer({ ...spec, _query: { name: spec.name }, _body: spec } as typeof spec);
      this.remember(created.id, run.jobId);
      return false;
    } catch (e) {
      return this.adopt(run, policy.name, e);
    }
  }

  /**
   * Submit is idempotent per job: if our container exists, an earlier attempt made it.
   * Podman reports the name clash as 409, or as 500 when it finds it in its storage.
   */
  private async adopt(run: RunRequest, name: string, e: unknown): Promise<boolean> {
    const existing = await this.docker.getContainer(name).inspect().catch(() => undefined);
    const labels = existing ? engineMay(existing.Config.Labels) ?? {} : {};
    if (existing && (labels[LABEL_MANAGED] !== this.o.instanceId || labels[LABEL_JOB] !== run.jobId)) {
      throw new ExecutorError("EXECUTOR_REJECTED", `a container named ${name} exists on the engine and is not this job's; remove it`, { cause: e });
    }
    if (existing) {
      this.remember(existing.Id, run.jobId);
      return existing.State.Running || existing.State.Status === "exited";
    }
    if (statusCodeOf(e) === 404) throw new ExecutorError("EXECUTOR_REJECTED", `image ${run.image} is not available: ${engineMessage(e)}`, { cause: e });
    throw toExecutorError(e, "creating the container");
  }

  async start(name: string): Promise<void> {
    try {
      await this.docker.getContainer(name).start();
    } catch (e) {
      const status = statusCodeOf(e);
      if (status === 304) return; // already started
      if (status !== undefined && status < 600 && !(e as { code?: string }).code) {
        // The engine answered: the runtime could not start this command (not found, not executable…).
        throw new ExecutorError("EXECUTOR_REJECTED", `container failed to start: ${engineMessage(e)}`, { cause: e });
      }
      throw toExecutorError(e, "starting the container");
    }
  }

  /** Did starting a container created ahead fail because someone removed it meanwhile? */
  goneAfterFailedStart(jobId: JobId, e: unknown): Promise<boolean> {
    return this.inspection.isGone(jobId, (e as Error).cause);
  }
}
