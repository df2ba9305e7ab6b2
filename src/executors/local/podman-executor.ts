import Docker from "dockerode";
import type { Logger } from "pino";
import { ExecutorError } from "../../domain/errors.js";
import type { JobId } from "../../domain/ids.js";
import type { SessionUsage } from "../../domain/session-view.js";
import type { EngineImage, Executor, ImageListing, RunEventListener, RunRef, RunRequest, RunStatus, SubmitResult } from "../executor.js";
import { containerNameOf, LABEL_JOB, LABEL_MANAGED, toContainerSpec } from "./container-spec.js";
import { engineMessage, statusCodeOf, toExecutorError } from "./engine-errors.js";
import { watchContainerExits } from "./exit-watcher.js";
import { parseImageReference } from "../../domain/image-reference.js";
import { createJobAccountFiles } from "./image-accounts.js";
import { pullImage } from "./image-pull.js";

export interface PodmanExecutorOptions {
  readonly socketPath: string;
  readonly network: "bridge" | "none" | "host";
  /** This server's id, carried by its containers' managed label. */
  readonly instanceId: string;
  /** Host directory for a job's generated /etc/passwd and /etc/group. */
  readonly accountsDir: (jobId: string) => string;
  /** Registry hosts (HOST[:PORT]) pulled from over plain HTTP. */
  readonly insecureRegistries?: readonly string[];
}

/** Images named without a registry host, or under `localhost/`, belong to the engine: never pulled. */
const isEngineLocal = (image: string): boolean => {
  const host = parseImageReference(image).host;
  return host === null || host === "localhost";
};

interface EngineEvent {
  Action?: string;
  status?: string;
  id?: string;
  timeNano?: number;
  Actor?: { Attributes?: Record<string, string> };
}

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5000;

/** Podman sends null where dockerode's types (and Docker) promise a value: Labels of imported images, State.Error. */
const engineMay = <T>(value: T): T | null | undefined => value;

const parseTime = (s: string | undefined): Date | null => {
  if (!s || s.startsWith("0001-")) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** Two CPU readings closer than this are too noisy to divide; the average since the start is used instead. */
const MIN_CPU_SAMPLE_MS = 500;

/**
 * The local executor: one container per job on Podman (or any Engine-API-compatible
 * engine) through its socket. State changes arrive from the engine's event stream
 * (`start`, `die`), never by polling; after a reconnect the current state of every
 * skyrun container is replayed so nothing missed is lost.
 */
export function createPodmanExecutor(deps: { log: Logger }, o: PodmanExecutorOptions): Executor & ImageListing {
  const docker = new Docker({ socketPath: o.socketPath });
  const log = deps.log.child({ executor: "local" });
  let available = false;
  let closed = false;
  let events: NodeJS.ReadableStream | undefined;
  let listener: RunEventListener = () => undefined;
  let reconnectDelayMs = RECONNECT_MIN_MS;
  let reconnectTimer: NodeJS.Timeout | undefined;
  /** Last CPU sample per job, to turn cumulative CPU time into cores in use. */
  const cpuSamples = new Map<JobId, { cpuNs: number; atMs: number }>();
  /** Container id → job, for the exit fast path. */
  const jobOfContainer = new Map<string, JobId>();
  /**
   * Jobs whose exit was already reported, so the slower event does not report it again.
   * Kept after release (the event can arrive later than that), bounded by age order.
   */
  const exitReported = new Set<JobId>();
  const rememberExit = (jobId: JobId) => {
    exitReported.add(jobId);
    if (exitReported.size > 10_000) exitReported.delete(exitReported.values().next().value!);
  };
  const exits = watchContainerExits((containerId) => {
    const jobId = jobOfContainer.get(containerId);
    if (jobId && !exitReported.has(jobId)) void reportExit(jobId, new Date()).catch(() => undefined);
  });
  const accountFiles = createJobAccountFiles(docker, o.accountsDir);
  /**
   * Image name → id, remembered for a few seconds: a burst of jobs on one image asks
   * the engine once instead of once per job. A stale entry costs nothing worse than a
   * failed create, which is reported as such.
   */
  const imageIds = new Map<string, { id: string; atMs: number }>();
  const IMAGE_ID_TTL_MS = 10_000;
  async function imageIdOf(image: string): Promise<string | undefined> {
    const hit = imageIds.get(image);
    if (hit && Date.now() - hit.atMs < IMAGE_ID_TTL_MS) return hit.id;
    try {
      const id = (await docker.getImage(image).inspect()).Id;
      imageIds.set(image, { id, atMs: Date.now() });
      if (imageIds.size > 1000) imageIds.delete(imageIds.keys().next().value!);
      return id;
    } catch (e) {
      imageIds.delete(image);
      if (statusCodeOf(e) === 404) return undefined;
      throw toExecutorError(e, "inspecting the image");
    }
  }
  const insecure = new Set(o.insecureRegistries ?? []);

  async function inspectExit(jobId: JobId): Promise<{ exitCode: number; oomKilled: boolean; startedAt: Date | null; finishedAt: Date | null; error: string } | undefined> {
    try {
      const info = await docker.getContainer(containerNameOf(jobId)).inspect();
      if (info.State.Running || info.State.Status === "created") return undefined;
      return {
        exitCode: info.State.ExitCode,
        oomKilled: info.State.OOMKilled,
        startedAt: parseTime(info.State.StartedAt),
        finishedAt: parseTime(info.State.FinishedAt),
        error: engineMay(info.State.Error) ?? "",
      };
    } catch (e) {
      if (await isGone(jobId, e)) return undefined;
      throw e;
    }
  }

  /**
   * Did a call fail because the container no longer exists? Podman says so with 404, or
   * with 500 "does not exist in database" when it was removed mid-call; ask the engine
   * rather than read its words.
   */
  async function isGone(jobId: JobId, e: unknown): Promise<boolean> {
    const status = statusCodeOf(e);
    if (status === 404) return true;
    if (status === undefined || status < 500) return false;
    const name = containerNameOf(jobId);
    const listed = await docker.listContainers({ all: true, filters: { name: [name] } }).catch(() => undefined);
    return listed !== undefined && !listed.some((c) => c.Names.some((n) => n.replace(/^\//, "") === name));
  }

  /** Reports a job's exit once, with the engine's exit code and OOM flag. */
  async function reportExit(jobId: JobId, at: Date, codeFromEvent?: number): Promise<void> {
    if (exitReported.has(jobId)) return;
    const details = await inspectExit(jobId).catch(() => undefined);
    if (details?.exitCode === undefined && codeFromEvent === undefined) return;
    if (exitReported.has(jobId)) return;
    rememberExit(jobId);
    cpuSamples.delete(jobId);
    listener({
      kind: "exited",
      jobId,
      exitCode: details?.exitCode ?? codeFromEvent ?? -1,
      oomKilled: details?.oomKilled ?? false,
      startedAt: details?.startedAt ?? null,
      at,
    });
  }

  async function onEngineEvent(ev: EngineEvent): Promise<void> {
    const action = ev.Action ?? ev.status;
    const jobId = ev.Actor?.Attributes?.[LABEL_JOB] as JobId | undefined;
    if (!jobId) return;
    const at = ev.timeNano ? new Date(Math.floor(ev.timeNano / 1e6)) : new Date();
    if (ev.id) jobOfContainer.set(ev.id, jobId);
    if (action === "start") listener({ kind: "started", jobId, at });
    if (action === "die" || action === "died") {
      const attrCode = Number(ev.Actor?.Attributes?.exitCode ?? ev.Actor?.Attributes?.containerExitCode);
      await reportExit(jobId, at, Number.isFinite(attrCode) ? attrCode : undefined);
    }
  }

  /** Replays the state of every skyrun container, for events missed while disconnected. */
  async function replayCurrentState(): Promise<void> {
    const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL_MANAGED}=${o.instanceId}`] } });
    for (const c of containers) {
      const jobId = c.Labels[LABEL_JOB] as JobId | undefined;
      if (!jobId) continue;
      jobOfContainer.set(c.Id, jobId);
      if (c.State === "running") listener({ kind: "started", jobId, at: new Date(c.Created * 1000) });
      if (c.State === "exited" || c.State === "stopped") {
        const d = await inspectExit(jobId);
        if (d) await reportExit(jobId, d.finishedAt && d.startedAt && d.finishedAt > d.startedAt ? d.finishedAt : new Date());
      }
    }
  }

  function scheduleReconnect(): void {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connect().catch((e: unknown) => {
        log.warn({ err: engineMessage(e), retryInMs: reconnectDelayMs }, "container engine unreachable");
        reconnectDelayMs = Math.min(reconnectDelayMs * 2, RECONNECT_MAX_MS);
        scheduleReconnect();
      });
    }, reconnectDelayMs);
    reconnectTimer.unref();
  }

  async function connect(): Promise<void> {
    // Podman filters on its internal name "died" but reports "die"; Docker knows only "die".
    const stream = await docker.getEvents({ filters: { type: ["container"], label: [`${LABEL_MANAGED}=${o.instanceId}`], event: ["start", "die", "died"] } });
    events = stream;
    available = true;
    reconnectDelayMs = RECONNECT_MIN_MS;
    let buffer = "";
    stream.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        try {
          void onEngineEvent(JSON.parse(line) as EngineEvent).catch((e: unknown) => log.error({ err: e }, "engine event handling failed"));
        } catch (e) {
          log.warn({ line: line.slice(0, 200), err: e }, "unparseable engine event");
        }
      }
    });
    const lost = () => {
      if (events !== stream) return;
      events = undefined;
      available = false;
      if (!closed) {
        log.warn("lost the container engine's event stream; reconnecting");
        scheduleReconnect();
      }
    };
    stream.on("end", lost);
    stream.on("error", lost);
    stream.on("close", lost);
    await replayCurrentState();
  }

  /** Creates the job's container; an existing one of this job is adopted. Resolves true when that one already runs or ran. */
  async function createRun(run: RunRequest): Promise<boolean> {
    const name = containerNameOf(run.jobId);
    try {
      const spec = toContainerSpec(run, o.network, o.instanceId);
      // dockerode also copies every option into the query string, so env and args over ~1 MB got 431 from the engine (issue 11).
      const created = await docker.createContainer({ ...spec, _query: { name: spec.name }, _body: spec } as typeof spec);
      jobOfContainer.set(created.id, run.jobId);
      return false;
    } catch (e) {
      const status = statusCodeOf(e);
      // Submit is idempotent per job: if our container exists, an earlier attempt made it.
      // Podman reports the name clash as 409, or as 500 when it finds it in its storage.
      const existing = await docker.getContainer(name).inspect().catch(() => undefined);
      const labels = existing ? engineMay(existing.Config.Labels) ?? {} : {};
      if (existing && (labels[LABEL_MANAGED] !== o.instanceId || labels[LABEL_JOB] !== run.jobId)) {
        throw new ExecutorError("EXECUTOR_REJECTED", `a container named ${name} exists on the engine and is not this job's; remove it`, { cause: e });
      }
      if (existing) {
        jobOfContainer.set(existing.Id, run.jobId);
        return existing.State.Running || existing.State.Status === "exited";
      }
      if (status === 404) throw new ExecutorError("EXECUTOR_REJECTED", `image ${run.image} is not available: ${engineMessage(e)}`, { cause: e });
      throw toExecutorError(e, "creating the container");
    }
  }

  async function startRun(jobId: JobId): Promise<void> {
    try {
      await docker.getContainer(containerNameOf(jobId)).start();
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

  /** The image's id on the engine, pulling it first when the run must (private images always, others when missing). */
  async function imageForRun(run: RunRequest): Promise<string> {
    let imageId = await imageIdOf(run.image);
    if (isEngineLocal(run.image)) {
      if (imageId === undefined) throw new ExecutorError("EXECUTOR_REJECTED", `image ${run.image} is not on this machine's container engine (images without a registry host, or under localhost/, are never pulled; see GET /image)`);
    } else if (run.registryAuth !== null || imageId === undefined) {
      // A private image is pulled with the user's credentials every time, so a cached copy
      // never lets someone without access run it (Kubernetes' AlwaysPullImages).
      await pullImage(docker, run, listener, { insecure: insecure.has(parseImageReference(run.image).host ?? "") });
      imageIds.delete(run.image);
      imageId = await imageIdOf(run.image);
      if (imageId === undefined) throw new ExecutorError("EXECUTOR_REJECTED", `image ${run.image} is not on the engine after pulling it`);
    }
    return imageId;
  }

  /** With the job's account files mounted. */
  async function withAccounts(run: RunRequest, imageId: string): Promise<RunRequest> {
    return { ...run, mounts: [...run.mounts, ...(await accountFiles.prepare(run, imageId))] };
  }

  /**
   * Containers created ahead of their start (`prepare`), by job: resolves true when the
   * container is there to be started. Only images already on the engine and without
   * registry credentials are prepared, so no pull and no access check is skipped.
   */
  const prepared = new Map<JobId, Promise<boolean>>();

  return {
    kind: "local",
    logFormat: "k8s-file",
    queuesItself: false,

    async start(onEvent: RunEventListener): Promise<void> {
      listener = onEvent;
      try {
        await connect();
      } catch (e) {
        scheduleReconnect();
        throw toExecutorError(e, "connecting");
      }
    },

    isAvailable: () => available,

    async prepare(run: RunRequest): Promise<void> {
      if (prepared.has(run.jobId) || run.registryAuth !== null) return;
      const creating = (async () => {
        const imageId = await imageIdOf(run.image);
        if (imageId === undefined) return false; // to be pulled: submit does it
        return !(await createRun(await withAccounts(run, imageId)));
      })().catch((e: unknown) => {
        log.debug({ jobId: run.jobId, err: engineMessage(e) }, "could not prepare the run ahead; it is created when it starts");
        return false;
      });
      prepared.set(run.jobId, creating);
      await creating;
    },

    async submit(run: RunRequest): Promise<SubmitResult> {
      const name = containerNameOf(run.jobId);
      const ahead = prepared.get(run.jobId);
      prepared.delete(run.jobId);
      if (ahead && (await ahead)) {
        try {
          await startRun(run.jobId);
          return { handle: name, startedAt: new Date() };
        } catch (e) {
          if (!(await isGone(run.jobId, (e as Error).cause))) throw e; // removed by hand meanwhile: create it anew
        }
      }
      const alreadyStarted = await createRun(await withAccounts(run, await imageForRun(run)));
      if (!alreadyStarted) await startRun(run.jobId);
      return { handle: name, startedAt: new Date() };
    },

    async statuses(runs: readonly RunRef[]): Promise<Map<JobId, RunStatus>> {
      const wanted = new Set(runs.map((r) => r.jobId));
      const result = new Map<JobId, RunStatus>();
      let containers: Docker.ContainerInfo[];
      try {
        containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL_MANAGED}=${o.instanceId}`] } });
      } catch (e) {
        throw toExecutorError(e, "listing containers");
      }
      for (const c of containers) {
        const jobId = c.Labels[LABEL_JOB] as JobId | undefined;
        if (!jobId || !wanted.has(jobId)) continue;
        if (c.State === "running") {
          const d = await inspectExit(jobId);
          result.set(jobId, { phase: "running", startedAt: d?.startedAt ?? new Date(c.Created * 1000) });
        } else if (c.State === "exited" || c.State === "stopped") {
          const d = await inspectExit(jobId);
          if (d) result.set(jobId, { phase: "exited", exitCode: d.exitCode, oomKilled: d.oomKilled, startedAt: d.startedAt, finishedAt: d.finishedAt && d.startedAt && d.finishedAt > d.startedAt ? d.finishedAt : new Date() });
        } else {
          result.set(jobId, { phase: "pending", reason: `container is ${c.State}` });
        }
      }
      for (const { jobId } of runs) if (!result.has(jobId)) result.set(jobId, { phase: "vanished", reason: "the container engine has no container for this job" });
      return result;
    },

    async cancel({ jobId }: RunRef, graceSeconds: number): Promise<void> {
      try {
        await docker.getContainer(containerNameOf(jobId)).stop({ t: graceSeconds });
      } catch (e) {
        if (statusCodeOf(e) === 304 || (await isGone(jobId, e))) return;
        throw toExecutorError(e, "stopping the container");
      }
    },

    async release({ jobId }: RunRef): Promise<void> {
      // A preparation in flight would create the container after this removal.
      await prepared.get(jobId);
      prepared.delete(jobId);
      cpuSamples.delete(jobId);
      for (const [cid, jid] of jobOfContainer) if (jid === jobId) jobOfContainer.delete(cid);
      accountFiles.remove(jobId);
      try {
        await docker.getContainer(containerNameOf(jobId)).remove({ force: true });
      } catch (e) {
        if (await isGone(jobId, e)) return;
        throw toExecutorError(e, "removing the container");
      }
    },

    async usage({ jobId }: RunRef): Promise<SessionUsage | undefined> {
      let stats: Docker.ContainerStats;
      try {
        stats = await docker.getContainer(containerNameOf(jobId)).stats({ stream: false });
      } catch (e) {
        if (await isGone(jobId, e)) return undefined;
        throw toExecutorError(e, "reading container statistics");
      }
      // The engine's own reading time: ours would add the call's latency, which varies under load.
      const readAtMs = Date.parse(engineMay(stats.read) ?? "");
      const nowMs = Number.isFinite(readAtMs) && readAtMs > 0 ? readAtMs : Date.now();
      const cpuNs = stats.cpu_stats.cpu_usage.total_usage;
      const previous = cpuSamples.get(jobId);
      let cores: number;
      if (previous && nowMs - previous.atMs >= MIN_CPU_SAMPLE_MS) {
        cores = (cpuNs - previous.cpuNs) / ((nowMs - previous.atMs) * 1e6);
        cpuSamples.set(jobId, { cpuNs, atMs: nowMs });
      } else {
        // No sample yet, or one too recent to divide by: the average since the start.
        if (!previous) cpuSamples.set(jobId, { cpuNs, atMs: nowMs });
        const started = (await inspectExit(jobId))?.startedAt;
        cores = started && nowMs > started.getTime() ? cpuNs / ((nowMs - started.getTime()) * 1e6) : 0;
      }
      return { cpuCores: Math.max(0, cores), ramBytes: engineMay(stats.memory_stats.usage) ?? 0 };
    },

    async listImages(): Promise<EngineImage[]> {
      try {
        const images = await docker.listImages();
        return images.map((i) => ({
          id: i.Id,
          tags: (i.RepoTags ?? []).filter((t) => t !== "<none>:<none>"),
          digest: (i.RepoDigests?.[0] ?? "").split("@")[1] ?? i.Id,
          labels: engineMay(i.Labels) ?? {},
        }));
      } catch (e) {
        throw toExecutorError(e, "listing images");
      }
    },

    async close(): Promise<void> {
      closed = true;
      exits.close();
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const stream = events as (NodeJS.ReadableStream & { destroy(): void }) | undefined;
      events = undefined;
      stream?.destroy();
    },
  };
}
