/** How the dashboard writes times, durations and amounts. */
import type { Session } from "./api/extension-types.js";

/** `3d 4h`, `2h 05m`, `4m 10s`, `12s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "";
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m ${String(sec).padStart(2, "0")}s`;
  return `${sec}s`;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Compact for tables: `14:05:09` today, `01-31 14:05` this year, else `2025-01-31`. */
export function formatShortTime(iso: string | undefined, nowMs = Date.now()): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const now = new Date(nowMs);
  if (d.toDateString() === now.toDateString()) return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (d.getFullYear() === now.getFullYear()) return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `2026-01-31 14:05:09` in the browser's time zone; empty when absent. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const ms = (iso: string | undefined): number | undefined => (iso ? Date.parse(iso) : undefined);

/** When the session entered its current status: created (pending), started (running), ended (done). */
export function stateSinceMs(s: Session): number | undefined {
  if (s.endTime) return ms(s.endTime);
  if (s.startTime) return ms(s.startTime);
  return ms(s.createdTime);
}

/** Run time: from start to end, or to now while it runs. */
export function wallTimeMs(s: Session, nowMs: number): number | undefined {
  const start = ms(s.startTime);
  if (start === undefined) return undefined;
  return (ms(s.endTime) ?? nowMs) - start;
}

export const formatNumber = (n: number, digits = 1): string =>
  n.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: 0 });

/** Status words grouped as batch dashboards count them. */
export type StatusClass = "done" | "run" | "idle" | "failed";
export function statusClass(status: string): StatusClass {
  const s = status.toLowerCase();
  if (s === "completed" || s === "succeeded") return "done";
  if (s === "failed" || s === "error") return "failed";
  if (s === "running" || s === "terminating") return "run";
  return "idle";
}

/** `abc=1, run=n42` */
export const formatLabels = (labels: Readonly<Record<string, string>> | undefined): string =>
  labels ? Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(", ") : "";
