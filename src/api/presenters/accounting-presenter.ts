import type { AccountingBy, AccountingFiguresJson, AccountingReportJson, AccountingRowJson, JobHistoryJson, QuotaReportJson } from "../../contracts/accounting.js";
import { formatInstant } from "../../contracts/instant.js";
import { isoDay, SECONDS_PER_YEAR } from "../../domain/accounting-days.js";
import type { JobHistoryEntry } from "../../domain/job-history.js";
import type { UsageReport } from "../../jobs/accounting-report.js";
import type { QuotaReport } from "../../jobs/quota-report.js";
import type { UsageFigures } from "../../store/accounting-store.js";

/** Figures to a fixed number of decimals: sums of floating-point hours would otherwise show 0.30000000000000004. */
const round = (x: number, digits = 6): number => Number(x.toFixed(digits));
const hours = (seconds: number): number => round(seconds / 3600);

function figuresJson(f: UsageFigures): AccountingFiguresJson {
  return {
    jobs: f.jobs,
    coreHours: hours(f.coreSeconds),
    gpuHours: hours(f.gpuSeconds),
    ramGBHours: hours(f.ramGBSeconds),
    wallHours: hours(f.wallSeconds),
    cpuEfficiency: f.sampledCoreSeconds > 0 ? round(f.cpuSeconds / f.sampledCoreSeconds, 4) : null,
    failures: f.failures,
  };
}

/** `GET /accounting`. */
export function toAccountingReportJson(r: UsageReport): AccountingReportJson {
  const rows: AccountingRowJson[] = r.rows.map((row) => ({ key: row.key === "" ? null : row.key, period: isoDay(row.periodStart), ...figuresJson(row) }));
  return {
    from: isoDay(r.fromDay),
    to: isoDay(r.toDay),
    by: r.by as AccountingBy,
    period: r.period,
    user: r.owner ?? "*",
    rows,
    totals: { ...figuresJson(r.totals), coreYears: round(r.totals.coreSeconds / SECONDS_PER_YEAR, 8) },
  };
}

/** The summary's CSV columns: the report's row fields. */
export const ACCOUNTING_CSV_COLUMNS = ["key", "period", "jobs", "core_hours", "gpu_hours", "ram_gb_hours", "wall_hours", "cpu_efficiency", "failures"] as const;

export const accountingCsvFields = (r: AccountingRowJson): string[] =>
  [r.key ?? "", r.period, String(r.jobs), String(r.coreHours), String(r.gpuHours), String(r.ramGBHours), String(r.wallHours), r.cpuEfficiency === null ? "" : String(r.cpuEfficiency), String(r.failures)];

/** One ended job with the legacy CSV's fields. */
export function toJobHistoryJson(e: JobHistoryEntry): JobHistoryJson {
  return {
    owner: e.owner,
    clusterId: e.clusterId,
    procId: e.procId,
    id: e.jobId,
    name: e.name,
    image: e.image,
    queueDate: formatInstant(e.queuedAt),
    startDate: e.startedAt ? formatInstant(e.startedAt) : null,
    completionDate: formatInstant(e.finishedAt),
    slotTimeSeconds: round(e.wallSeconds, 3),
    requestCpus: e.cores,
    requestMemoryGB: e.ramGB,
    requestDiskGB: e.diskGB,
    requestGpus: e.gpus,
    memoryUsedGB: e.peakRamBytes === null ? null : round(e.peakRamBytes / 1e9, 3),
    exitCode: e.exitCode,
    attempts: e.attempts,
    status: e.outcome === "succeeded" ? "Completed" : "Failed",
    outcome: e.outcome,
    cpuSeconds: e.cpuSeconds === null ? null : round(e.cpuSeconds, 3),
    coreHours: hours(e.coreSeconds),
    groups: e.groups,
    project: e.project,
    setId: e.setId,
    labels: e.labels,
  };
}

/** `GET /accounting/quotas`. */
export function toQuotaReportJson(r: QuotaReport): QuotaReportJson {
  return {
    month: isoDay(r.monthStart).slice(0, 7),
    quotas: r.quotas.map((q) => ({
      kind: q.kind,
      name: q.name,
      coreHoursPerMonth: q.coreHoursPerMonth,
      coreHours: round(q.coreHours),
      fraction: q.coreHoursPerMonth > 0 ? round(q.coreHours / q.coreHoursPerMonth, 4) : null,
      over: q.coreHours > q.coreHoursPerMonth,
    })),
  };
}
