import type { Insertable, Selectable } from "kysely";
import type { JobId } from "../domain/ids.js";
import { dayOf } from "../domain/accounting-days.js";
import type { JobHistoryEntry, JobOutcome } from "../domain/job-history.js";
import type { JobHistoryTable, UsageSums } from "./schema.js";
import type { UsageFigures } from "./accounting-store.js";

const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});
const date = (ms: number | null): Date | null => (ms === null ? null : new Date(Number(ms)));

/** History entry → row. Group names never contain a comma (USERNAME/GROUPNAME patterns), so a comma joins them. */
export function entryToRow(e: JobHistoryEntry, recordedAt: number): Insertable<JobHistoryTable> {
  return {
    job_id: e.jobId,
    owner: e.owner,
    groups_text: e.groups.join(","),
    project: e.project ?? "",
    image: e.image,
    name: e.name,
    set_id: e.setId,
    cluster_id: e.clusterId,
    proc_id: e.procId,
    submit_seq: e.submitSeq,
    labels_json: Object.keys(e.labels).length > 0 ? JSON.stringify(e.labels) : null,
    outcome: e.outcome,
    exit_code: e.exitCode,
    reason: e.reason,
    attempts: e.attempts,
    queued_at: e.queuedAt.getTime(),
    started_at: e.startedAt?.getTime() ?? null,
    finished_at: e.finishedAt.getTime(),
    end_day: dayOf(e.finishedAt),
    cores: e.cores,
    ram_gb: e.ramGB,
    disk_gb: e.diskGB,
    gpus: e.gpus,
    wall_seconds: e.wallSeconds,
    core_seconds: e.coreSeconds,
    cpu_seconds: e.cpuSeconds,
    peak_ram_bytes: e.peakRamBytes,
    executor: e.executor,
    recorded_at: recordedAt,
  };
}

/** Row → history entry. */
export function rowToEntry(r: Selectable<JobHistoryTable>): JobHistoryEntry {
  return {
    jobId: r.job_id as JobId,
    owner: r.owner,
    groups: r.groups_text === "" ? [] : r.groups_text.split(","),
    project: r.project === "" ? null : r.project,
    image: r.image,
    name: r.name,
    setId: r.set_id,
    clusterId: r.cluster_id,
    procId: r.proc_id,
    submitSeq: Number(r.submit_seq),
    labels: r.labels_json ? (JSON.parse(r.labels_json) as Record<string, string>) : NO_LABELS,
    outcome: r.outcome as JobOutcome,
    exitCode: r.exit_code,
    reason: r.reason,
    attempts: r.attempts,
    queuedAt: new Date(Number(r.queued_at)),
    startedAt: date(r.started_at),
    finishedAt: new Date(Number(r.finished_at)),
    cores: r.cores,
    ramGB: r.ram_gb,
    diskGB: r.disk_gb,
    gpus: r.gpus,
    wallSeconds: r.wall_seconds,
    coreSeconds: r.core_seconds,
    cpuSeconds: r.cpu_seconds,
    peakRamBytes: r.peak_ram_bytes === null ? null : Number(r.peak_ram_bytes),
    executor: r.executor,
  };
}

/** One entry's contribution to the daily sums. */
export function sumsOf(e: JobHistoryEntry): UsageSums {
  const sampled = e.cpuSeconds !== null;
  return {
    jobs: 1,
    failures: e.outcome === "failed" ? 1 : 0,
    wall_seconds: e.wallSeconds,
    core_seconds: e.coreSeconds,
    gpu_seconds: e.gpus * e.wallSeconds,
    ram_gb_seconds: e.ramGB * e.wallSeconds,
    cpu_seconds: e.cpuSeconds ?? 0,
    sampled_core_seconds: sampled ? e.coreSeconds : 0,
  };
}

export const SUM_COLUMNS = ["jobs", "failures", "wall_seconds", "core_seconds", "gpu_seconds", "ram_gb_seconds", "cpu_seconds", "sampled_core_seconds"] as const satisfies readonly (keyof UsageSums)[];

/** Adds `b` into `a`. */
export function addSums(a: UsageSums, b: UsageSums): void {
  for (const c of SUM_COLUMNS) a[c] += b[c];
}

/** Summed columns as read back (drivers may hand sums as strings) → figures. */
export function toFigures(r: Record<(typeof SUM_COLUMNS)[number], unknown>): UsageFigures {
  return {
    jobs: Number(r.jobs),
    failures: Number(r.failures),
    wallSeconds: Number(r.wall_seconds),
    coreSeconds: Number(r.core_seconds),
    gpuSeconds: Number(r.gpu_seconds),
    ramGBSeconds: Number(r.ram_gb_seconds),
    cpuSeconds: Number(r.cpu_seconds),
    sampledCoreSeconds: Number(r.sampled_core_seconds),
  };
}
