/** Something that happened to a job, shown by `?view=events` as kubectl shows pod events. */
export interface JobEvent {
  readonly type: "Normal" | "Warning";
  /** One CamelCase word: Queued, Waiting, Pulling, Pulled, Failed, Started, Completed, OOMKilled, DeadlineExceeded, Killing, Deleted… */
  readonly reason: string;
  readonly message: string;
  readonly firstAt: Date;
  readonly lastAt: Date;
  readonly count: number;
}

/** An event as it happens, before the store folds repeats into a count. */
export type NewJobEvent = Omit<JobEvent, "firstAt" | "lastAt" | "count"> & { readonly at: Date };

const instant = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * A kubectl custom-columns table (TYPE, REASON, MESSAGE, FIRST-TIME, LAST-TIME) with a
 * header row, as the platform returns it. Runs of blanks inside messages are folded so
 * clients that split columns on two or more spaces (the canfar CLI) still see five columns.
 */
export function formatEventTable(events: readonly JobEvent[]): string {
  if (events.length === 0) return "<none>\n";
  const rows = [
    ["TYPE", "REASON", "MESSAGE", "FIRST-TIME", "LAST-TIME"],
    ...events.map((e) => [e.type, e.reason, e.message.replace(/\s+/g, " ").trim(), instant(e.firstAt), instant(e.lastAt)]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  return rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]! + 3))).join("")).join("\n") + "\n";
}

/** Events as JSON objects, for skyrun's JSON opt-in (`format=json` or `Accept: application/vnd.skyrun+json`). */
export const toEventJson = (e: JobEvent): Record<string, unknown> => ({
  type: e.type,
  reason: e.reason,
  message: e.message,
  firstTime: instant(e.firstAt),
  lastTime: instant(e.lastAt),
  count: e.count,
});
