/** The jobs table's columns: what each shows, how it sorts and how it is filtered. */
import type { ComponentChildren } from "preact";
import type { Session } from "../api/extension-types.js";
import { formatDuration, formatLabels, formatNumber, formatShortTime, formatTime, stateSinceMs, wallTimeMs } from "../format.js";
import type { SessionQuery, SortKey } from "../state/session-query.js";
import { StatusBadge } from "./StatusBadge.js";

/** How a column is filtered: a text field bound to one query field, the status choice, a date range. */
export type ColumnFilter =
  | { readonly kind: "text"; readonly field: "name" | "id" | "image" | "user" | "exitCode" | "set"; readonly hint: string }
  | { readonly kind: "labels" }
  | { readonly kind: "status" }
  | { readonly kind: "range" };

export interface Column {
  readonly key: string;
  readonly label: string;
  /** CSS grid track. */
  readonly width: string;
  readonly sort?: SortKey;
  readonly filter?: ColumnFilter;
  readonly numeric?: boolean;
  readonly adminOnly?: boolean;
  cell(s: Session, nowMs: number): ComponentChildren;
}

const gb = (s: string | undefined) => (s === undefined || s === "" ? "" : `${formatNumber(Number(s), 2)} GB`);
const cores = (s: string | undefined) => (s === undefined || s === "" ? "" : formatNumber(Number(s), 3));
const flexible = <span class="muted" title="flexible: no fixed request">flex</span>;
const when = (iso: string | undefined) => <time dateTime={iso} title={formatTime(iso)}>{formatShortTime(iso)}</time>;

export const COLUMNS: readonly Column[] = [
  { key: "name", label: "Name", width: "minmax(9rem, 1.4fr)", sort: "name", filter: { kind: "text", field: "name", hint: "exact, or prefix*" }, cell: (s) => s.name ?? "" },
  { key: "id", label: "ID", width: "6.5rem", filter: { kind: "text", field: "id", hint: "exact id" }, cell: (s) => <code>{s.id}</code> },
  { key: "user", label: "User", width: "6rem", sort: "userid", adminOnly: true, filter: { kind: "text", field: "user", hint: "user name" }, cell: (s) => s.userid },
  { key: "status", label: "Status", width: "7.5rem", sort: "status", filter: { kind: "status" }, cell: (s) => <StatusBadge status={s.status} /> },
  { key: "inState", label: "In state", width: "5.5rem", numeric: true, cell: (s, now) => { const since = stateSinceMs(s); return since === undefined ? "" : formatDuration(now - since); } },
  { key: "created", label: "Submitted", width: "8rem", sort: "createdTime", filter: { kind: "range" }, cell: (s) => when(s.createdTime) },
  { key: "started", label: "Started", width: "7rem", sort: "startTime", cell: (s) => when(s.startTime) },
  { key: "ended", label: "Ended", width: "7rem", sort: "endTime", cell: (s) => when(s.endTime) },
  { key: "wall", label: "Wall time", width: "5.5rem", numeric: true, cell: (s, now) => { const w = wallTimeMs(s, now); return w === undefined ? "" : formatDuration(w); } },
  { key: "cores", label: "Cores", width: "4rem", numeric: true, sort: "requestedCPUCores", cell: (s) => (s.requestedCPUCores ? cores(s.requestedCPUCores) : flexible) },
  { key: "coresUsed", label: "Cores used", width: "4.5rem", numeric: true, cell: (s) => cores(s.cpuCoresInUse) },
  { key: "ram", label: "RAM", width: "5rem", numeric: true, sort: "requestedRAM", cell: (s) => (s.requestedRAM ? gb(s.requestedRAM) : flexible) },
  { key: "ramUsed", label: "RAM used", width: "5rem", numeric: true, cell: (s) => gb(s.ramInUse) },
  { key: "image", label: "Image", width: "minmax(9rem, 1.2fr)", sort: "image", filter: { kind: "text", field: "image", hint: "part of the name" }, cell: (s) => s.image ?? "" },
  { key: "labels", label: "Labels", width: "minmax(7rem, 1fr)", filter: { kind: "labels" }, cell: (s) => formatLabels(s.labels) },
  { key: "exit", label: "Exit", width: "3.5rem", numeric: true, filter: { kind: "text", field: "exitCode", hint: "code" }, cell: (s) => (s.exitCode === undefined ? "" : String(s.exitCode)) },
  { key: "attempts", label: "Attempts", width: "4.5rem", numeric: true, cell: (s) => (s.attempt === undefined ? "" : `${s.attempt}${s.retries ? ` / ${s.retries + 1}` : ""}`) },
];

export const visibleColumns = (q: SessionQuery): readonly Column[] => COLUMNS.filter((c) => !c.adminOnly || q.all);
