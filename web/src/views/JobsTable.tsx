/**
 * The sessions table: a filter under every header that the listing can filter, sorting
 * by the headers, virtualised rows (only those in view are in the page), one tab stop
 * with the arrow keys moving between rows, Enter opening a row's panel, Space selecting.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { Session } from "../api/extension-types.js";
import type { SessionQuery, SortKey } from "../state/session-query.js";
import type { SessionPages } from "../state/use-session-pages.js";
import { ColumnFilterInput } from "./ColumnFilterInput.js";
import { visibleColumns } from "./job-columns.js";
import { useVirtualRows } from "./use-virtual-rows.js";

const ROW_PX = 34;

export interface JobsTableProps {
  readonly q: SessionQuery;
  readonly pages: SessionPages;
  readonly openId: string | undefined;
  readonly selected: ReadonlySet<string>;
  onQuery: (next: SessionQuery) => void;
  onOpen: (id: string) => void;
  onSelect: (ids: readonly string[], selected: boolean) => void;
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export function JobsTable({ q, pages, openId, selected, onQuery, onOpen, onSelect }: JobsTableProps) {
  const columns = visibleColumns(q);
  const template = `2.25rem ${columns.map((c) => c.width).join(" ")}`;
  const scroller = useRef<HTMLDivElement>(null);
  const count = pages.total === undefined ? pages.rows.length : Math.max(pages.total, pages.rows.length);
  const virtual = useVirtualRows(count, ROW_PX, () => scroller.current);
  const [focusIndex, setFocusIndex] = useState(0);
  const now = useNow(1000);

  const last = virtual.items[virtual.items.length - 1];
  useEffect(() => {
    if (last) pages.ensure(last.index);
  }, [last?.index, pages.rows.length]);

  // Keep the focused row focused when it is re-rendered (virtualisation replaces elements).
  useEffect(() => {
    const el = scroller.current;
    if (!el?.contains(document.activeElement) || document.activeElement?.getAttribute("role") !== "row") return;
    const row = el.querySelector<HTMLElement>(`[data-index="${focusIndex}"]`);
    if (row && row !== document.activeElement) row.focus({ preventScroll: true });
  });

  const sortBy = (key: SortKey) => onQuery({ ...q, sort: key, descending: q.sort === key ? !q.descending : key !== "name" });
  const rowAt = (i: number): Session | undefined => pages.rows[i];

  const moveFocus = (to: number) => {
    const i = Math.max(0, Math.min(count - 1, to));
    setFocusIndex(i);
    virtual.scrollToIndex(i);
    // The virtualiser scrolls the row into view; focusing must not also scroll the wide row sideways.
    requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`[data-index="${i}"]`)?.focus({ preventScroll: true }));
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.target as HTMLElement).getAttribute("role") !== "row") return;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 400) / ROW_PX) - 1);
    const moves: Record<string, number> = { ArrowDown: focusIndex + 1, ArrowUp: focusIndex - 1, PageDown: focusIndex + page, PageUp: focusIndex - page, Home: 0, End: count - 1 };
    const to = moves[e.key];
    if (to !== undefined) {
      e.preventDefault();
      moveFocus(to);
      return;
    }
    const s = rowAt(focusIndex);
    if (!s) return;
    if (s.id === "") return;
    if (e.key === "Enter") {
      e.preventDefault();
      onOpen(s.id);
    } else if (e.key === " ") {
      e.preventDefault();
      onSelect([s.id], !selected.has(s.id));
    }
  };

  const loadedIds = pages.rows.map((s) => s.id);
  const allLoadedSelected = loadedIds.length > 0 && loadedIds.every((id) => selected.has(id));

  return (
    <div class="jobs-table" role="grid" aria-label="Sessions" aria-rowcount={count + 2} aria-colcount={columns.length + 1} aria-multiselectable="true" aria-busy={pages.loading}>
      <div class="table-scroll" ref={scroller} onKeyDown={onKeyDown}>
        <div class="thead" role="rowgroup" style={{ gridTemplateColumns: template }}>
          <div class="tr head" role="row" aria-rowindex={1}>
            <div class="th" role="columnheader">
              <input type="checkbox" aria-label="Select all loaded sessions" checked={allLoadedSelected} onChange={(e) => onSelect(loadedIds, e.currentTarget.checked)} />
            </div>
            {columns.map((c) => {
              const sorted = c.sort !== undefined && q.sort === c.sort;
              return (
                <div key={c.key} class={`th${c.numeric ? " num" : ""}`} role="columnheader" aria-sort={sorted ? (q.descending ? "descending" : "ascending") : undefined}>
                  {c.sort ? (
                    <button type="button" class="sort" onClick={() => sortBy(c.sort!)} aria-label={`Sort by ${c.label.toLowerCase()}`}>
                      {c.label}<span aria-hidden="true">{sorted ? (q.descending ? " ▼" : " ▲") : ""}</span>
                    </button>
                  ) : <span>{c.label}</span>}
                </div>
              );
            })}
          </div>
          <div class="tr filters" role="row" aria-rowindex={2}>
            <div class="td" role="gridcell" />
            {columns.map((c) => <div key={c.key} class="td" role="gridcell"><ColumnFilterInput column={c} q={q} onQuery={onQuery} /></div>)}
          </div>
        </div>
        <div class="tbody" role="rowgroup" style={{ height: `${virtual.totalHeight}px` }}>
          {virtual.items.map((item) => {
            const s = rowAt(item.index);
            const isSelected = s !== undefined && selected.has(s.id);
            return (
              <div
                key={s?.id ? s.id : `row-${item.index}`}
                class={`tr${s?.id === openId && s !== undefined ? " open" : ""}${isSelected ? " selected" : ""}`}
                role="row"
                aria-rowindex={item.index + 3}
                aria-selected={isSelected}
                data-index={item.index}
                data-id={s?.id}
                tabIndex={item.index === focusIndex ? 0 : -1}
                style={{ transform: `translateY(${item.start}px)`, height: `${ROW_PX}px`, gridTemplateColumns: template }}
                onFocus={(e) => {
                  // Tabbing through the wide header's filters scrolls it sideways; entering the rows shows their start again.
                  if ((e.relatedTarget as HTMLElement | null)?.getAttribute("role") !== "row" && scroller.current) scroller.current.scrollLeft = 0;
                }}
                onClick={(e) => {
                  setFocusIndex(item.index);
                  if (s?.id && !(e.target as HTMLElement).closest("input")) onOpen(s.id);
                }}
              >
                <div class="td" role="gridcell">
                  {s && <input type="checkbox" tabIndex={-1} aria-label={`Select ${s.name ?? s.id}`} checked={isSelected} onChange={(e) => onSelect([s.id], e.currentTarget.checked)} />}
                </div>
                {s ? columns.map((c) => <div key={c.key} class={`td${c.numeric ? " num" : ""}`} role="gridcell">{c.cell(s, now)}</div>)
                  : <div class="td loading-row" role="gridcell">Loading…</div>}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
