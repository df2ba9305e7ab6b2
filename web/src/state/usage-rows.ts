/**
 * Usage rows for the usage chart. From the accounting API when the server has it; from a
 * server without it, computed here from the sessions the listing still shows (cores asked
 * for × run time, charged to the day the run started), which is what the same records say.
 */
import type { AccountingRowJson, Session } from "../api/extension-types.js";

export type UsageBy = "user" | "group" | "project" | "image" | `label:${string}`;

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Accounting rows (by day) computed from session records; CPU efficiency is unknown there. */
export function usageFromSessions(sessions: readonly Session[], by: UsageBy, fromMs: number, toMs: number, nowMs: number): AccountingRowJson[] {
  const rows = new Map<string, { key: string; period: string; jobs: number; coreHours: number; gpuHours: number; ramGBHours: number; wallHours: number; failures: number }>();
  for (const s of sessions) {
    if (!s.startTime) continue;
    const start = Date.parse(s.startTime);
    if (start < fromMs || start > toMs) continue;
    const end = s.endTime ? Date.parse(s.endTime) : nowMs;
    const hours = Math.max(0, end - start) / 3_600_000;
    const key = by === "user" ? s.userid : by === "image" ? (s.image ?? "") : by.startsWith("label:") ? (s.labels?.[by.slice(6)] ?? "(none)") : "(unknown)";
    const period = dayOf(start);
    const id = `${key}\u0000${period}`;
    const r = rows.get(id) ?? { key, period, jobs: 0, coreHours: 0, gpuHours: 0, ramGBHours: 0, wallHours: 0, failures: 0 };
    r.jobs++;
    r.coreHours += hours * Number(s.requestedCPUCores ?? 1);
    r.gpuHours += hours * Number(s.requestedGPUCores ?? 0);
    r.ramGBHours += hours * Number(s.requestedRAM ?? 0);
    r.wallHours += hours;
    if (/^(failed|error)$/i.test(s.status)) r.failures++;
    rows.set(id, r);
  }
  return [...rows.values()].map((r) => ({ ...r, cpuEfficiency: null }));
}

export interface UsageSeries {
  /** Period starts, seconds since the epoch. */
  readonly times: number[];
  readonly keys: string[];
  /** values[k][t]: the metric for keys[k] in period t. */
  readonly values: number[][];
  readonly totals: number[];
}

/** Rows as one series per key (the biggest `maxKeys`, the rest as "other") over the periods. */
export function toSeries(rows: readonly AccountingRowJson[], metric: "coreHours" | "gpuHours", maxKeys = 6): UsageSeries {
  const periods = [...new Set(rows.map((r) => r.period))].sort();
  const byKey = new Map<string, number>();
  for (const r of rows) byKey.set(r.key, (byKey.get(r.key) ?? 0) + r[metric]);
  const ranked = [...byKey.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const keys = ranked.length > maxKeys ? [...ranked.slice(0, maxKeys - 1), "other"] : ranked;
  const kept = new Set(keys);
  const values = keys.map(() => periods.map(() => 0));
  for (const r of rows) {
    const k = kept.has(r.key) ? r.key : "other";
    values[keys.indexOf(k)]![periods.indexOf(r.period)]! += r[metric];
  }
  const totals = periods.map((_, t) => values.reduce((sum, v) => sum + v[t]!, 0));
  return { times: periods.map((p) => Date.parse(p.length === 7 ? `${p}-01` : p) / 1000), keys, values, totals };
}
