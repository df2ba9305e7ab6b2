/**
 * Wire shapes of the API extensions the lead is adding for the dashboard
 * (/work/notes/api-extensions.md, "For the dashboard"), typed here until src/contracts
 * carries them. Every field is optional: the app works against a server without them
 * and switches each feature on when the server answers it.
 */
import type { EngineNodeJson, PlatformStatsJson, QueueJson, QueueUserJson, SessionStatsJson, UsageSampleJson } from "../../../src/contracts/platform.js";
import type { SessionJson } from "../../../src/contracts/session.js";

export interface AttemptJson {
  readonly attempt: number;
  readonly status: string;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly exitCode?: number;
  readonly statusMessage?: string;
}

export interface ResourceAmounts {
  readonly cores: number;
  readonly ramGB: number;
  readonly gpus: number;
}

/** Why a session waits, in numbers. */
export interface WaitingJson {
  readonly kind: "capacity" | "reserved" | "user-limit" | "dependencies" | "engine-unavailable" | "engine-queue" | "not-examined" | "throttle" | "retry-backoff" | (string & Record<never, never>);
  readonly position?: number;
  readonly positionLimit?: number;
  readonly need?: ResourceAmounts;
  readonly free?: ResourceAmounts;
  readonly total?: ResourceAmounts;
  readonly reservedFor?: string;
  readonly limit?: string;
  readonly inUse?: number;
  readonly max?: number;
  readonly waitingOn?: readonly string[];
  readonly detail?: string;
}

/** A session with the extensions of the notes. */
export interface Session extends SessionJson {
  readonly labels?: Readonly<Record<string, string>>;
  readonly setId?: string;
  readonly attempt?: number;
  readonly retries?: number;
  readonly attempts?: readonly AttemptJson[];
  readonly maxRunning?: number;
  readonly walltime?: number;
  readonly workdir?: string;
  readonly waiting?: WaitingJson;
}

/** The server's shapes for the usage history and the queue (src/contracts/platform.ts). */
export type StatsSample = UsageSampleJson;

export interface SessionStatsWithHistory extends SessionStatsJson {
  readonly history?: readonly StatsSample[];
}

export type { EngineNodeJson, QueueJson, QueueUserJson };

export interface AccountingRowJson {
  readonly key: string;
  readonly period: string;
  readonly jobs: number;
  readonly coreHours: number;
  readonly gpuHours: number;
  readonly ramGBHours: number;
  readonly wallHours: number;
  readonly cpuEfficiency: number | null;
  readonly failures: number;
}

export interface AccountingJson {
  readonly from: string;
  readonly to: string;
  readonly by: string;
  readonly period: string;
  readonly rows: readonly AccountingRowJson[];
}

/** One line of a bulk action's answer. */
export interface BulkOutcomeJson {
  readonly id: string;
  readonly outcome: string;
  readonly status: number;
  readonly message?: string;
}

export type { PlatformStatsJson };
