/**
 * The wire shapes the dashboard reads beyond the platform's, named as the app uses them.
 * All come from src/contracts, so the server and the app cannot drift; every extension
 * field there is optional, and the app switches a feature on when the server answers it.
 */
import type { AccountingReportJson, AccountingRowJson as WireAccountingRow } from "../../../src/contracts/accounting.js";
import type { EngineNodeJson, PlatformStatsJson, QueueJson, QueueUserJson, SessionStatsJson, UsageSampleJson } from "../../../src/contracts/platform.js";
import type { AttemptJson, BulkOutcomeJson, SessionJson, WaitingJson } from "../../../src/contracts/session.js";

export type Session = SessionJson;
export type StatsSample = UsageSampleJson;

export interface SessionStatsWithHistory extends SessionStatsJson {
  readonly history?: readonly StatsSample[];
}

/** `GET /accounting`, as far as the usage page reads it (older servers send no totals). */
export type AccountingJson = Pick<AccountingReportJson, "from" | "to" | "by" | "period" | "rows">;
/** A row once the client has named the null key (jobs without a group, project or label) "(none)". */
export type AccountingRowJson = Omit<WireAccountingRow, "key"> & { readonly key: string };
/** Cores, RAM and GPUs in a wait explanation. */
export type ResourceAmounts = NonNullable<WaitingJson["need"]>;

export type { AttemptJson, BulkOutcomeJson, EngineNodeJson, PlatformStatsJson, QueueJson, QueueUserJson, WaitingJson };
