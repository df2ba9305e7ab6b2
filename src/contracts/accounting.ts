/**
 * Accounting (issue 12): usage summed by user, group, project, image or label over
 * days, weeks or months; the per-job history with the legacy HTCondor CSV's fields;
 * quotas against usage. Shared by the server, the SDK, the CLI and the dashboard.
 */

/** What rows are keyed by: a dimension, or `label:<key>` for that label's values. */
export type AccountingBy = "user" | "group" | "project" | "image" | `label:${string}`;

/** `all`: one row per key for the whole range. */
export type AccountingPeriodName = "day" | "week" | "month" | "all";

/** Figures of a number of ended jobs. Hours are decimal; cores, RAM and GPUs are what the jobs asked for. */
export interface AccountingFiguresJson {
  readonly jobs: number;
  /** Cores asked for × wall hours, over every attempt. */
  readonly coreHours: number;
  readonly gpuHours: number;
  /** RAM asked for (GB) × wall hours. */
  readonly ramGBHours: number;
  readonly wallHours: number;
  /**
   * CPU time ÷ (cores × wall) of the jobs whose CPU use was sampled, as a fraction (0.85
   * is 85 %; above 1 when jobs used more cores than they asked for). Null when no job in
   * the row was sampled: unknown, not 0.
   */
  readonly cpuEfficiency: number | null;
  /** Jobs that ended Failed (deleted ones are not failures). */
  readonly failures: number;
}

export interface AccountingRowJson extends AccountingFiguresJson {
  /** The user, group, project, image or label value; null for jobs with no group, no project or without the label. */
  readonly key: string | null;
  /** First day of the period, `YYYY-MM-DD` (weeks start on Monday; with `all`, the range's first day). */
  readonly period: string;
}

/** `GET /accounting`. Jobs count on the UTC day they ended, with all of their wall time. */
export interface AccountingReportJson {
  /** First and last day of the range (inclusive), `YYYY-MM-DD`. */
  readonly from: string;
  readonly to: string;
  readonly by: AccountingBy;
  readonly period: AccountingPeriodName;
  /** Whose jobs: one user's name, or `*` (an administrator's view of everyone). */
  readonly user: string;
  /** By key, then period. A job of an owner in several groups is in each group's row. */
  readonly rows: readonly AccountingRowJson[];
  /** Every job of the range once (whatever `by` is), with core-years (core-hours ÷ 8766). */
  readonly totals: AccountingFiguresJson & { readonly coreYears: number };
}

/** One ended job, with the fields of the legacy `condor_history` CSV first. */
export interface JobHistoryJson {
  readonly owner: string;
  /** HTCondor's ClusterId: the submit's cluster number (or Slurm job number), else the set's id, else the session's. */
  readonly clusterId: string;
  /** HTCondor's ProcId: the place in the cluster from 0 (or the Slurm array task). */
  readonly procId: number;
  readonly id: string;
  readonly name: string;
  readonly image: string;
  /** ISO 8601: submitted (QDate), first started (JobStartDate), ended (CompletionDate). */
  readonly queueDate: string;
  readonly startDate: string | null;
  readonly completionDate: string;
  /** Wall seconds of every attempt together (RemoteWallClockTime). */
  readonly slotTimeSeconds: number;
  readonly requestCpus: number;
  readonly requestMemoryGB: number;
  readonly requestDiskGB: number;
  readonly requestGpus: number;
  /** The largest memory reading; null when the job was never sampled. */
  readonly memoryUsedGB: number | null;
  readonly exitCode: number | null;
  /** Attempts made (NumJobStarts, with retries). */
  readonly attempts: number;
  readonly status: "Completed" | "Failed";
  readonly outcome: "succeeded" | "failed" | "cancelled";
  readonly cpuSeconds: number | null;
  readonly coreHours: number;
  readonly groups: readonly string[];
  readonly project: string | null;
  readonly setId: string | null;
  readonly labels: Readonly<Record<string, string>>;
}

/** `GET /accounting/jobs` as JSON: one page, oldest end first. */
export interface JobHistoryPageJson {
  readonly from: string;
  readonly to: string;
  readonly jobs: readonly JobHistoryJson[];
  /** Pass as `cursor` for the next page; absent on the last. */
  readonly nextCursor?: string;
}

/** The CSV export's columns, in order: the legacy CSV's, then skyrun's. */
export const JOB_HISTORY_CSV_COLUMNS = [
  "owner", "cluster_id", "proc_id", "job_id", "name", "image", "queue_date", "start_date", "completion_date", "slot_time_seconds",
  "request_cpus", "request_memory_gb", "request_disk_gb", "request_gpus", "memory_used_gb", "exit_code", "attempts", "status",
  "cpu_seconds", "core_hours", "project", "groups", "set_id", "labels",
] as const;

/** One job as a CSV record's fields, in {@link JOB_HISTORY_CSV_COLUMNS} order. */
export function jobHistoryCsvFields(j: JobHistoryJson): string[] {
  const n = (v: number | null): string => (v === null ? "" : String(v));
  return [
    j.owner, j.clusterId, String(j.procId), j.id, j.name, j.image, j.queueDate, j.startDate ?? "", j.completionDate, String(j.slotTimeSeconds),
    String(j.requestCpus), String(j.requestMemoryGB), String(j.requestDiskGB), String(j.requestGpus), n(j.memoryUsedGB), n(j.exitCode), String(j.attempts), j.status,
    n(j.cpuSeconds), String(j.coreHours), j.project ?? "", j.groups.join(" "), j.setId ?? "", Object.entries(j.labels).map(([k, v]) => `${k}=${v}`).join(" "),
  ];
}

/** One group's or project's monthly quota and what it used in that month. */
export interface QuotaUsageJson {
  readonly kind: "group" | "project";
  readonly name: string;
  readonly coreHoursPerMonth: number;
  readonly coreHours: number;
  /** Used ÷ quota (1 is all of it); null for a quota of 0. */
  readonly fraction: number | null;
  readonly over: boolean;
}

/** `GET /accounting/quotas`: the month's usage against each configured quota the caller may see. */
export interface QuotaReportJson {
  /** `YYYY-MM` */
  readonly month: string;
  readonly quotas: readonly QuotaUsageJson[];
}
