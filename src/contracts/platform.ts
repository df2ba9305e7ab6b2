import type { SessionJson } from "./session.js";

/** One resource dimension of `GET /context`: the default and the values a session may ask for. */
export interface ResourceOptionsJson {
  readonly default?: number;
  readonly defaultRequest?: number;
  readonly defaultLimit?: number;
  /** Older platform versions: the default for headless sessions. */
  readonly defaultHeadless?: number;
  readonly options: readonly number[];
}

/** `GET /context`: what a session may ask for on this server (cores, RAM in GB, GPUs). */
export interface ResourceContextJson {
  readonly cores: ResourceOptionsJson;
  readonly memoryGB: ResourceOptionsJson;
  readonly gpus?: { readonly options: readonly number[] };
  /** A number on skyrun; a string such as `"5"` on the platform. */
  readonly maxInteractiveSessions?: number | string;
}

/** One element of `GET /image`. */
export interface ImageJson {
  /** `registry/project/repository:tag` */
  readonly id: string;
  /** Session types the image serves: `headless`, `notebook`, … */
  readonly types: readonly string[];
  readonly digest: string;
}

/**
 * `GET /session?view=stats`: the platform's allocation and capacity. `instances` is the
 * v0 shape (and skyrun's); `jobs` counts skyrun's sessions by state.
 */
export interface PlatformStatsJson {
  readonly cores?: {
    readonly requestedCPUCores?: number;
    readonly cpuCoresAvailable?: number;
    readonly maxCPUCores?: { readonly cpuCores?: number; readonly withRam?: string };
  };
  readonly ram?: {
    /** e.g. `"12.5G"` */
    readonly requestedRAM?: string;
    readonly ramAvailable?: string;
    readonly maxRAM?: { readonly ram?: string; readonly withCPUCores?: number };
  };
  readonly instances?: { readonly session?: number; readonly desktopApp?: number; readonly headless?: number; readonly total?: number };
  readonly jobs?: { readonly queued?: number; readonly starting?: number; readonly running?: number; readonly terminating?: number };
}

/** `GET /session/{id}/stats` (skyrun): what a session asked for and, while it runs, uses. */
export interface SessionStatsJson {
  readonly id: string;
  readonly status: string;
  readonly startTime?: string;
  readonly cpuCoresInUse: number;
  readonly ramInUseGB: number;
  readonly ramInUseBytes: number;
  readonly requestedCPUCores: number;
  readonly limitCPUCores: number;
  readonly requestedRAMGB: number;
  readonly limitRAMGB: number;
  readonly requestedGPUs: number;
  readonly isFixedResources: boolean;
  /** skyrun, with `history=true`: the readings taken about every 10 s while it ran, oldest first. */
  readonly history?: readonly UsageSampleJson[];
}

/** One reading of a session's CPU and memory (skyrun). */
export interface UsageSampleJson {
  /** ISO 8601 instant of the reading. */
  readonly time: string;
  readonly cpuCores: number;
  readonly ramBytes: number;
}

/** `GET /queue` (skyrun): what the cluster offers and holds, who waits and runs. */
export interface QueueJson {
  /** Cores, RAM in GiB and GPUs offered, and what live sessions hold. */
  readonly capacity: { readonly cores: number; readonly ramGB: number; readonly gpus: number; readonly coresInUse: number; readonly ramInUseGB: number };
  /** Users with sessions queued or live; other users' details only for administrators. */
  readonly users: readonly QueueUserJson[];
  /** The queued sessions waiting longest (non-administrators: their own). */
  readonly longestWaiting: readonly SessionJson[];
  /** The running sessions that started first (non-administrators: their own). */
  readonly oldestRunning: readonly SessionJson[];
  readonly engine: { readonly kind: string; readonly partition?: string; readonly nodes?: readonly EngineNodeJson[] };
}

export interface QueueUserJson {
  readonly user: string;
  readonly groups?: readonly string[];
  /** The priority their sessions get (their own or their groups', the highest). */
  readonly priority?: number;
  /** Decayed core-hours the fair share counts. */
  readonly fairShareUsage?: number;
  readonly queued: number;
  readonly running: number;
  /** Cores their live sessions asked for. */
  readonly coresInUse?: number;
}

export interface EngineNodeJson {
  readonly name: string;
  readonly state: string;
  readonly cpus: number;
  readonly cpusAllocated: number;
  /** GiB. */
  readonly memoryGB: number;
  readonly memoryAllocatedGB: number;
}

/** The response header by which a skyrun server names itself and its version. */
export const SKYRUN_VERSION_HEADER = "x-skyrun-version";

/**
 * The media type by which a client opts in to skyrun's JSON answers where the platform
 * answers text (`POST /session`, `?view=events`). The platform's own clients send
 * `Accept: application/json` and still read text, so plain JSON is not the signal.
 */
export const SKYRUN_JSON_MEDIA_TYPE = "application/vnd.skyrun+json";
