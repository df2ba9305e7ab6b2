import type { SessionJson } from "../client/index.js";

/** Time since an ISO instant, kubectl style: 45s, 12m, 3h, 2d. */
export function age(iso: string | undefined, now: number = Date.now()): string {
  if (iso === undefined) return "-";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "-";
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** When the session was created (skyrun) or started (the platform, which does not say). */
export const createdAt = (s: SessionJson): string | undefined => s.createdTime ?? s.startTime;

export const SESSION_HEADER = ["SESSION ID", "NAME", "KIND", "STATUS", "EXIT", "IMAGE", "AGE"] as const;

export function sessionRow(s: SessionJson, now = Date.now()): string[] {
  return [s.id, s.name ?? "-", s.type, s.status, s.exitCode === undefined ? "-" : String(s.exitCode), s.image ?? "-", age(createdAt(s), now)];
}

/** Oldest first, as `ps` lists them. */
export const byCreation = (a: SessionJson, b: SessionJson): number => (createdAt(a) ?? "").localeCompare(createdAt(b) ?? "") || a.id.localeCompare(b.id);

/** Every field of a session as KEY VALUE rows, in the server's order. */
export function fieldRows(s: SessionJson): string[][] {
  return Object.entries(s).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") || "-" : v === "" ? "-" : String(v)]);
}
