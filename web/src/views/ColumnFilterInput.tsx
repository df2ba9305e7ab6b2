/** The filter under a column's header: typing waits a moment, then the URL (and the table) follow. */
import { useEffect, useState } from "preact/hooks";
import type { SessionQuery } from "../state/session-query.js";
import type { Column } from "./job-columns.js";

const STATUS_CHOICES: readonly { label: string; values: readonly string[] }[] = [
  { label: "Any", values: [] },
  { label: "Pending", values: ["Pending"] },
  { label: "Running", values: ["Running"] },
  { label: "Terminating", values: ["Terminating"] },
  { label: "Completed", values: ["Completed"] },
  { label: "Failed", values: ["Failed"] },
  { label: "Active", values: ["Pending", "Running", "Terminating"] },
  { label: "Finished", values: ["Completed", "Failed"] },
];

const RANGE_CHOICES: readonly { label: string; from: string }[] = [
  { label: "Any time", from: "" },
  { label: "Last hour", from: "-1h" },
  { label: "Last 24 h", from: "-24h" },
  { label: "Last 7 days", from: "-168h" },
  { label: "Last 30 days", from: "-720h" },
];

function DebouncedText({ value, label, hint, onCommit }: { value: string; label: string; hint: string; onCommit: (v: string) => void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const t = setTimeout(() => onCommit(text.trim()), 350);
    return () => clearTimeout(t);
  }, [text]);
  return (
    <input
      type="search" class="filter" value={text} placeholder={hint} aria-label={label}
      onInput={(e) => setText(e.currentTarget.value)}
      onKeyDown={(e) => { if (e.key === "Enter") onCommit(text.trim()); }}
    />
  );
}

export function ColumnFilterInput({ column, q, onQuery }: { column: Column; q: SessionQuery; onQuery: (next: SessionQuery) => void }) {
  const f = column.filter;
  if (!f) return null;
  const label = `Filter by ${column.label.toLowerCase()}`;
  switch (f.kind) {
    case "text":
      return <DebouncedText value={q[f.field]} label={label} hint={f.hint} onCommit={(v) => onQuery({ ...q, [f.field]: v })} />;
    case "labels":
      return <DebouncedText value={q.labels.join(", ")} label={label} hint="key=value, …" onCommit={(v) => onQuery({ ...q, labels: v.split(",").map((l) => l.trim()).filter((l) => l.includes("=")) })} />;
    case "status": {
      const current = STATUS_CHOICES.findIndex((c) => c.values.join() === q.status.join());
      return (
        <select class="filter" aria-label={label} value={String(current < 0 ? 0 : current)} onChange={(e) => onQuery({ ...q, status: STATUS_CHOICES[Number(e.currentTarget.value)]?.values ?? [] })}>
          {STATUS_CHOICES.map((c, i) => <option key={c.label} value={String(i)}>{c.label}</option>)}
        </select>
      );
    }
    case "range": {
      const current = RANGE_CHOICES.findIndex((c) => c.from === q.from);
      return (
        <select class="filter" aria-label={label} value={current < 0 ? "custom" : String(current)} onChange={(e) => {
          onQuery({ ...q, from: RANGE_CHOICES[Number(e.currentTarget.value)]?.from ?? "", to: "" });
        }}>
          {RANGE_CHOICES.map((c, i) => <option key={c.label} value={String(i)}>{c.label}</option>)}
          {current < 0 && <option value="custom">{q.from.slice(0, 16)}{q.to ? ` – ${q.to.slice(0, 16)}` : ""}</option>}
        </select>
      );
    }
  }
}
