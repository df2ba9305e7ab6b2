/**
 * One event of a session, as `GET /session/{id}?view=events` describes it: kubectl's
 * pod events. skyrun answers these objects when asked with its JSON opt-in
 * (`Accept: application/vnd.skyrun+json`, or `format=json`); the platform answers only a
 * text table, which {@link parseEventTable} reads.
 */
export interface SessionEventJson {
  /** `Normal` or `Warning`. */
  readonly type: string;
  /** One CamelCase word: Scheduled, Pulling, Started, Failed, … */
  readonly reason: string;
  readonly message: string;
  /** ISO 8601, or absent when the server did not say (`<none>`). */
  readonly firstTime?: string;
  readonly lastTime?: string;
  /** How many times it happened (skyrun only). */
  readonly count?: number;
}

/** The columns of the platform's event table, as kubectl's custom-columns prints them. */
const COLUMNS = ["TYPE", "REASON", "MESSAGE", "FIRST-TIME", "LAST-TIME"] as const;

/**
 * The events as the platform's table (TYPE, REASON, MESSAGE, FIRST-TIME, LAST-TIME) with a
 * header row, or `<none>`. Runs of blanks inside messages are folded so clients that split
 * columns on two or more spaces (the canfar CLI) still see five columns; {@link parseEventTable}
 * reads it back.
 */
export function formatEventTable(events: readonly SessionEventJson[]): string {
  if (events.length === 0) return "<none>\n";
  const rows = [
    [...COLUMNS],
    ...events.map((e) => [e.type, e.reason, e.message.replace(/\s+/g, " ").trim(), e.firstTime ?? "<none>", e.lastTime ?? "<none>"]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  return rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]! + 3))).join("")).join("\n") + "\n";
}

const orUndefined = (s: string | undefined): string | undefined => {
  const v = s?.trim();
  return v === undefined || v === "" || v === "<none>" ? undefined : v;
};

/** Where each column starts in a kubectl header row, or undefined if it is not the events header. */
function columnStarts(header: string): number[] | undefined {
  if (header.trim().split(/\s+/).join(" ") !== COLUMNS.join(" ")) return undefined;
  const starts: number[] = [];
  let from = 0;
  for (const column of COLUMNS) {
    const at = header.indexOf(column, from);
    starts.push(at);
    from = at + column.length;
  }
  return starts;
}

/** Cuts a row at the header's column starts: kubectl pads each column to its widest cell. */
const cutRow = (row: string, starts: readonly number[]): string[] =>
  starts.map((start, i) => row.slice(start, starts[i + 1] ?? row.length).trim());

/**
 * Parses the platform's event table (`TYPE REASON MESSAGE FIRST-TIME LAST-TIME`, a header
 * row, or just `<none>`) into objects. Columns are cut where the header's columns start,
 * so messages containing runs of spaces survive; a table without a header falls back
 * to splitting on two or more spaces and keeps rows of exactly five columns, as the
 * platform's own CLI does. Never throws: unreadable rows are skipped.
 */
export function parseEventTable(text: string): SessionEventJson[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "" && l.trim() !== "<none>");
  const starts = columnStarts(lines[0] ?? "");
  const rows = starts ? lines.slice(1).map((l) => cutRow(l, starts)) : lines.map((l) => l.trim().split(/\s{2,}/));
  const events: SessionEventJson[] = [];
  for (const cells of rows) {
    if (cells.length !== COLUMNS.length) continue;
    const [type, reason, message, first, last] = cells as [string, string, string, string, string];
    if (type === "" || reason === "") continue;
    const firstTime = orUndefined(first);
    const lastTime = orUndefined(last);
    events.push({ type, reason, message, ...(firstTime ? { firstTime } : {}), ...(lastTime ? { lastTime } : {}) });
  }
  return events;
}
