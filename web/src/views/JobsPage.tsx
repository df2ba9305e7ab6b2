/**
 * The jobs page: the table (or its groups), the selection and its actions, and the open
 * session's panel. Everything that defines the view is in the URL.
 */
import { useState } from "preact/hooks";
import type { DashboardMeJson } from "../../../src/contracts/dashboard.js";
import type { Session } from "../api/extension-types.js";
import { invalidateListing } from "../api/session-listing.js";
import { navigate, withParam, type Place } from "../state/location.js";
import { ACTION_WORDS, canApply, type SessionAction } from "../state/session-actions.js";
import { EMPTY_QUERY, parseQuery, printQuery, type GroupBy, type SessionQuery } from "../state/session-query.js";
import { useSessionPages } from "../state/use-session-pages.js";
import { ActionDialog, type ActionRequest } from "./ActionDialog.js";
import { GroupsTable } from "./GroupsTable.js";
import { JobPanel } from "./JobPanel.js";
import { JobsTable } from "./JobsTable.js";
import { SavedViews } from "./SavedViews.js";

function describeFilter(q: SessionQuery): string {
  const parts = [
    q.status.length > 0 ? `status ${q.status.join(" or ")}` : "", q.name ? `name ${q.name}` : "", q.id ? `id ${q.id}` : "",
    q.image ? `image *${q.image}*` : "", ...q.labels.map((l) => `label ${l}`), q.user ? `user ${q.user}` : "", q.set ? `set ${q.set}` : "",
    q.from ? `submitted after ${q.from}` : "", q.to ? `before ${q.to}` : "", q.exitCode ? `exit code ${q.exitCode}` : "",
  ].filter((p) => p !== "");
  return parts.length === 0 ? "no filter" : parts.join(", ");
}

const BULK_ACTIONS: readonly SessionAction[] = ["cancel", "renew", "retry", "delete"];

export function JobsPage({ place, me }: { readonly place: Place; readonly me: DashboardMeJson }) {
  const q = parseQuery(place.search);
  const params = new URLSearchParams(place.search);
  const openId = params.get("open") ?? undefined;
  const tab = params.get("tab") ?? undefined;
  const pages = useSessionPages(q, me.user);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [request, setRequest] = useState<ActionRequest | undefined>();
  const [actions, setActions] = useState(0);

  const onQuery = (next: SessionQuery) => {
    setSelected(new Set());
    navigate(`/jobs${printQuery(next, openId)}`, { replace: true });
  };
  const onOpen = (id: string) => navigate(`/jobs${withParam(withParam(place.search, "open", id), "tab", tab)}`);
  const onClose = () => {
    navigate(`/jobs${withParam(withParam(place.search, "open", undefined), "tab", undefined)}`);
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`.jobs-table [data-id="${openId ?? ""}"]`)?.focus());
  };
  const onStep = (delta: 1 | -1) => {
    const i = pages.rows.findIndex((s) => s.id === openId);
    const next = pages.rows[Math.max(0, Math.min(pages.rows.length - 1, i + delta))];
    if (next) navigate(`/jobs${withParam(place.search, "open", next.id)}`, { replace: true });
  };
  const onSelect = (ids: readonly string[], on: boolean) => {
    const next = new Set(selected);
    for (const id of ids) { if (on) next.add(id); else next.delete(id); }
    setSelected(next);
  };
  const selectedSessions = pages.rows.filter((s) => selected.has(s.id));
  const actOnSelection = (action: SessionAction) => setRequest({
    action,
    targets: { kind: "sessions", sessions: selectedSessions.filter((s) => canApply(action, s.status)) },
  });
  const actOnFilter = (action: SessionAction) => setRequest({ action, targets: { kind: "filter", q, count: pages.total, description: describeFilter(q) } });
  const actOnOne = (action: SessionAction, s: Session) => setRequest({ action, targets: { kind: "sessions", sessions: [s] } });

  const group = q.group;
  const labelKeys = [...new Set([...pages.rows.slice(0, 2000).flatMap((s) => Object.keys(s.labels ?? {})), ...(group.startsWith("label:") ? [group.slice(6)] : [])])].sort();
  const filtered = printQuery({ ...q, sort: EMPTY_QUERY.sort, descending: true, group: "" }) !== "";
  return (
    <div class={`jobs-page${openId ? " with-panel" : ""}`}>
      <section class="jobs-main" aria-labelledby="jobs-title">
        <div class="page-head">
          <h1 id="jobs-title">Sessions</h1>
          <p class="count" role="status" aria-live="polite">
            {pages.total === undefined ? "Loading…" : `${pages.total.toLocaleString("en")} session${pages.total === 1 ? "" : "s"}`}
            {q.exitCode !== "" || q.id !== "" ? " (exit code and id filtered in the browser)" : ""}
          </p>
        </div>
        <div class="toolbar" role="toolbar" aria-label="View">
          <SavedViews search={printQuery(q)} onChoose={(search) => navigate(`/jobs${search}`)} />
          <label>
            Group by{" "}
            <select value={group} onChange={(e) => onQuery({ ...q, group: e.currentTarget.value as GroupBy })}>
              <option value="">No grouping</option>
              <option value="set">Set</option>
              <option value="dag">DAG</option>
              {labelKeys.map((k) => <option key={k} value={`label:${k}`}>Label {k}</option>)}
            </select>
          </label>
          {me.isAdmin && (
            <label><input type="checkbox" checked={q.all} onChange={(e) => onQuery({ ...q, all: e.currentTarget.checked })} /> Everyone's sessions</label>
          )}
          {filtered && <button type="button" class="small" onClick={() => onQuery({ ...EMPTY_QUERY, sort: q.sort, descending: q.descending })}>Clear filters</button>}
        </div>
        <div class="toolbar selection" role="toolbar" aria-label="Actions">
          <span>{selected.size > 0 ? `${selected.size} selected:` : "Selection:"}</span>
          {BULK_ACTIONS.map((a) => (
            <button key={a} type="button" class="small" disabled={!selectedSessions.some((s) => canApply(a, s.status))} onClick={() => actOnSelection(a)}>
              {ACTION_WORDS[a].verb} selected
            </button>
          ))}
          <span>All matching:</span>
          {BULK_ACTIONS.filter((a) => a !== "retry").map((a) => (
            <button key={a} type="button" class="small" disabled={!pages.total} onClick={() => actOnFilter(a)}>{ACTION_WORDS[a].verb} all matching</button>
          ))}
        </div>
        {pages.error && <p role="alert" class="error">{pages.error}</p>}
        {group === ""
          ? <JobsTable q={q} pages={pages} openId={openId} selected={selected} onQuery={onQuery} onOpen={onOpen} onSelect={onSelect} />
          : <GroupsTable q={q} onQuery={onQuery} onOpen={onOpen} />}
      </section>
      {openId && (
        <JobPanel id={openId} tab={tab} refreshKey={actions} onTab={(t) => navigate(`/jobs${withParam(place.search, "tab", t)}`, { replace: true })}
          onClose={onClose} onOpen={onOpen} onStep={onStep} onAction={actOnOne} />
      )}
      {request && <ActionDialog request={request} onClose={(changed) => { setRequest(undefined); if (changed) { setSelected(new Set()); setActions((n) => n + 1); invalidateListing(); pages.refresh(); } }} />}
    </div>
  );
}
