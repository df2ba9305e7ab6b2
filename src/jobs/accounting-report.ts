import { periodStart, type AccountingPeriod } from "../domain/accounting-days.js";
import type { Principal } from "../identity/principal.js";
import type { UsageBucket, UsageFigures } from "../store/accounting-store.js";
import { accountingScope, parseBy, parseDayRange, parsePeriod, type AccountingParams } from "./accounting-query.js";
import type { JobServiceDeps } from "./job-service-deps.js";

/** One key's figures over one period. */
export interface UsageRow extends UsageFigures {
  /** "" for jobs with no group, no project, or without the label. */
  readonly key: string;
  /** Day number of the period's first day. */
  readonly periodStart: number;
}

export interface UsageReport {
  readonly fromDay: number;
  readonly toDay: number;
  /** `user`, `group`, …, or `label:<key>`. */
  readonly by: string;
  readonly period: AccountingPeriod;
  /** The owner whose jobs these are, or undefined for everyone's. */
  readonly owner: string | undefined;
  /** By key, then period. */
  readonly rows: readonly UsageRow[];
  /** Each job of the range once. */
  readonly totals: UsageFigures;
}

const FIGURES = ["jobs", "failures", "wallSeconds", "coreSeconds", "gpuSeconds", "ramGBSeconds", "cpuSeconds", "sampledCoreSeconds"] as const;
const zero = (): Record<(typeof FIGURES)[number], number> => ({ jobs: 0, failures: 0, wallSeconds: 0, coreSeconds: 0, gpuSeconds: 0, ramGBSeconds: 0, cpuSeconds: 0, sampledCoreSeconds: 0 });

function add(into: Record<(typeof FIGURES)[number], number>, b: UsageFigures): void {
  for (const f of FIGURES) into[f] += b[f];
}

function sumOf(buckets: readonly UsageBucket[]): UsageFigures {
  const sums = zero();
  for (const b of buckets) add(sums, b);
  return sums;
}

/** Sums day buckets into periods, sorted by key then period. */
export function toPeriods(buckets: readonly UsageBucket[], period: AccountingPeriod, fromDay: number): UsageRow[] {
  const rows = new Map<string, { key: string; periodStart: number; sums: Record<(typeof FIGURES)[number], number> }>();
  for (const b of buckets) {
    const start = periodStart(b.day, period, fromDay);
    const k = `${b.key}\u0000${start}`;
    const row = rows.get(k) ?? { key: b.key, periodStart: start, sums: zero() };
    add(row.sums, b);
    rows.set(k, row);
  }
  return [...rows.values()]
    .map((r) => ({ key: r.key, periodStart: r.periodStart, ...r.sums }))
    .sort((a, b) => (a.key === b.key ? a.periodStart - b.periodStart : a.key === "" ? 1 : b.key === "" ? -1 : a.key < b.key ? -1 : 1));
}

/**
 * `GET /accounting`: usage by user, group, project, image or label, per day, week or
 * month, from the daily sums (a year of a million jobs is a few thousand rows). A user
 * sees their own jobs, an administrator everyone's (or one user's).
 */
export async function usageReport(deps: Pick<JobServiceDeps, "store" | "clock">, principal: Principal, p: AccountingParams): Promise<UsageReport> {
  const range = parseDayRange(p, deps.clock.now());
  const { by, name } = parseBy(p.by);
  const period = parsePeriod(p.period);
  const owner = accountingScope(principal, p.user);
  const buckets = await deps.store.accounting.usage({ ...range, owner, by });
  // Totals count each job once. By user the buckets already do (a job has one owner); by
  // group, say, a job of an owner in two groups sits in both groups' rows.
  const totals = by === "user" ? sumOf(buckets) : await deps.store.accounting.usageTotals({ ...range, owner });
  return { ...range, by: name, period, owner, rows: toPeriods(buckets, period, range.fromDay), totals };
}

