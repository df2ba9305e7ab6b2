import Docker from "dockerode";
import type { Logger } from "pino";
import type { Clock } from "../../domain/clock.js";
import type { JobId } from "../../domain/ids.js";
import { containerNameOf } from "../container-policy.js";
import type { Executor, ImageListing, RunEventListener, SubmitResult } from "../executor.js";
import { createContainerInspection, endOf } from "./container-inspection.js";
import { ContainerRuns } from "./container-runs.js";
import { LABEL_JOB, LABEL_MANAGED } from "./engine-container-spec.js";
import { toExecutorError } from "./engine-errors.js";
import { EngineEventStream, type EngineEvent } from "./engine-event-stream.js";
import { ExitReports } from "./exit-reports.js";
import { watchContainerExits } from "./exit-watcher.js";
import { createJobAccountFiles, removeLeftoverProbes } from "./image-accounts.js";
import { createImageResolution, listEngineImages } from "./image-resolution.js";
import { runStatusesOf } from "./run-statuses.js";
import { UsageSampler } from "./usage-sampler.js";

export interface PodmanExecutorOptions {
  readonly socketPath: string;
  readonly network: "bridge" | "none" | "host";
  /** This server's id, carried by its containers' managed label. */
  readonly instanceId: string;
  /** Host directory for a job's generated /etc/passwd and /etc/group. */
  readonly accountsDir: (jobId: string) => string;
  /** Registry hosts (HOST[:PORT]) pulled from over plain HTTP. */
  readonly insecureRegistries?: readonly string[];
  /** Every registry host users run images from. */
  readonly registryHosts?: readonly string[];
  /** The seccomp profile jobs run under (a file), or null for the engine's default. */
  readonly seccompProfile?: string | null;
  /** Seconds between SIGTERM and SIGKILL when a run is stopped. */
  readonly stopGraceSeconds: number;
  /** The cgroup job containers are made under (jobs-cgroup.ts), or null for the engine's default. */
  readonly cgroupParent?: string | null;
}

/**
 * The local executor: one container per job on Podman (or any Engine-API-compatible
 * engine) through its socket. State changes arrive from the engine's event stream
 * (`start`, `die`) and conmon's exit files, never by polling; after a reconnect the
 * current state of every skyrun container is replayed so nothing missed is lost.
 */
export function createPodmanExecutor(deps: { log: Logger; clock: Clock }, o: PodmanExecutorOptions): Executor & ImageListing {
  const docker = new Docker({ socketPath: o.socketPath });
  const { clock } = deps;
  const log = deps.log.child({ executor: "local" });
  const managed = `${LABEL_MANAGED}=${o.instanceId}`;
  let listener: RunEventListener = () => undefined;
  /** Container id → job, for the exit fast path. */
  const jobOfContainer = new Map<string, JobId>();
  const inspection = createContainerInspection(docker);
  const usage = new UsageSampler(docker, inspection, clock);
  const exits = new ExitReports(inspection, () => listener, (jobId) => usage.forget(jobId));
  const images = createImageResolution(docker, clock, { insecureRegistries: new Set(o.insecureRegistries ?? []), registryHosts: new Set(o.registryHosts ?? []) });
  const accountFiles = createJobAccountFiles(docker, o.accountsDir, { instanceId: o.instanceId, log });
  const runs = new ContainerRuns(docker, inspection, { network: o.network, instanceId: o.instanceId, seccompProfile: o.seccompProfile ?? null, cgroupParent: o.cgroupParent ?? null }, accountFiles, (cid, jobId) => jobOfContainer.set(cid, jobId));
  const exitFiles = watchContainerExits((containerId) => {
    const jobId = jobOfContainer.get(containerId);
    if (jobId && !exits.has(containerId)) void exits.report(containerId, jobId, clock.now()).catch(() => undefined);
  });
  /**
   * Containers created ahead of their start (`prepare`), by job: resolves true when the
   * container is there to be started. Only images already on the engine and without
   * registry credentials are prepared, so no pull and no access check is skipped.
   */
  const prepared = new Map<JobId, Promise<boolean>>();

  async function onEngineEvent(ev: EngineEvent): Promise<void> {
    const action = ev.Action ?? ev.status;
    const jobId = ev.Actor?.Attributes?.[LABEL_JOB] as JobId | undefined;
    if (!jobId) return;
    const at = ev.timeNano ? new Date(Math.floor(ev.timeNano / 1e6)) : clock.now();
    if (ev.id) jobOfContainer.set(ev.id, jobId);
    if (action === "start") listener({ kind: "started", jobId, at });
    if (action === "die" || action === "died") {
      const attrCode = Number(ev.Actor?.Attributes?.exitCode ?? ev.Actor?.Attributes?.containerExitCode);
      if (ev.id) await exits.report(ev.id, jobId, at, Number.isFinite(attrCode) ? attrCode : undefined);
    }
  }

  /** Replays the state of every skyrun container, for events missed while disconnected. */
  async function replayCurrentState(): Promise<void> {
    for (const c of await docker.listContainers({ all: true, filters: { label: [managed] } })) {
      const jobId = c.Labels[LABEL_JOB] as JobId | undefined;
      if (!jobId) continue;
      jobOfContainer.set(c.Id, jobId);
      if (c.State === "running") listener({ kind: "started", jobId, at: new Date(c.Created * 1000) });
      if (c.State === "exited" || c.State === "stopped") {
        const d = await inspection.exitOfContainer(c.Id);
        if (d) await exits.report(c.Id, jobId, endOf(d, clock.now()));
      }
    }
  }

  const events = new EngineEventStream(docker, clock, log, { labels: [managed], onEvent: onEngineEvent, onConnected: replayCurrentState });

  return {
    kind: "local",
    logFormat: "k8s-file",
    queuesItself: false,

    async start(onEvent) {
      listener = onEvent;
      try {
        await events.open();
      } catch (e) {
        throw toExecutorError(e, "connecting");
      }
      await removeLeftoverProbes(docker, o.instanceId, log);
    },

    isAvailable: () => events.isAvailable(),

    async prepare(run) {
      if (prepared.has(run.jobId) || run.registryAuth !== null) return;
      const creating = (async () => {
        const imageId = await images.idOf(run.image);
        if (imageId === undefined) return false; // to be pulled: submit does it
        return !(await runs.create(run, imageId));
      })().catch((e: unknown) => {
        log.debug({ jobId: run.jobId, err: (e as Error).message }, "could not prepare the run ahead; it is created when it starts");
        return false;
      });
      prepared.set(run.jobId, creating);
      await creating;
    },

    async submit(run): Promise<SubmitResult> {
      const name = containerNameOf(run.jobId);
      const ahead = prepared.get(run.jobId);
      prepared.delete(run.jobId);
      if (ahead && (await ahead)) {
        try {
          await runs.start(name);
          return { handle: name, startedAt: clock.now() };
        } catch (e) {
          if (!(await runs.goneAfterFailedStart(run.jobId, e))) throw e; // removed by hand meanwhile: create it anew
        }
      }
      const alreadyStarted = await runs.create(run, await images.forRun(run, listener));
      if (!alreadyStarted) await runs.start(name);
      return { handle: name, startedAt: clock.now() };
    },

    statuses: (refs) => runStatusesOf(docker, inspection, clock, managed, refs),

    stopGraceSeconds: o.stopGraceSeconds,

    async cancel({ jobId }) {
      try {
        await docker.getContainer(containerNameOf(jobId)).stop({ t: o.stopGraceSeconds });
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode === 304 || (await inspection.isGone(jobId, e))) return;
        throw toExecutorError(e, "stopping the container");
      }
    },

    async release({ jobId }) {
      // A preparation in flight would create the container after this removal.
      await prepared.get(jobId);
      prepared.delete(jobId);
      usage.forget(jobId);
      for (const [cid, jid] of jobOfContainer) if (jid === jobId) jobOfContainer.delete(cid);
      await accountFiles.remove(jobId);
      try {
        await docker.getContainer(containerNameOf(jobId)).remove({ force: true });
      } catch (e) {
        if (await inspection.isGone(jobId, e)) return;
        throw toExecutorError(e, "removing the container");
      }
    },

    usage: ({ jobId }) => usage.usageOf(jobId),

    listImages: () => listEngineImages(docker),

    inspectImage: (reference) => images.inspect(reference),

    async close() {
      exitFiles.close();
      events.close();
    },
  };
}
