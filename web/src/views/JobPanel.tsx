/**
 * One session beside the table: its details and request, events, why it waits, attempts,
 * log and usage. Opening another row replaces it, so sessions are inspected in turn
 * without leaving the table; Escape or the close button returns focus to the table.
 */
import { Fragment } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { SessionEventJson } from "../../../src/contracts/session-event.js";
import { getEvents, getSession } from "../api/api-client.js";
import type { Session } from "../api/extension-types.js";
import { formatDuration, formatLabels, formatTime, wallTimeMs } from "../format.js";
import { liveStore, useLive } from "../state/live-store.js";
import { canApply, type SessionAction } from "../state/session-actions.js";
import { AttemptList } from "./AttemptList.js";
import { EventTimeline } from "./EventTimeline.js";
import { LogView } from "./LogView.js";
import { SessionUsagePlot } from "./SessionUsagePlot.js";
import { StatusBadge } from "./StatusBadge.js";
import { WaitExplanation } from "./WaitExplanation.js";

const TABS = ["Details", "Events", "Waiting", "Attempts", "Logs", "Usage"] as const;
type Tab = (typeof TABS)[number];

export interface JobPanelProps {
  readonly id: string;
  readonly tab: string | undefined;
  /** Changes when an action may have changed the session. */
  readonly refreshKey: number;
  onTab: (tab: string) => void;
  onClose: () => void;
  onOpen: (id: string) => void;
  onStep: (delta: 1 | -1) => void;
  onAction: (action: SessionAction, s: Session) => void;
}

const isActive = (status: string) => /^(pending|running|terminating)$/i.test(status);

function Details({ s }: { s: Session }) {
  const rows: [string, string | undefined][] = [
    ["ID", s.id], ["Name", s.name], ["User", s.userid], ["Image", s.image], ["Type", s.type],
    ["Submitted", formatTime(s.createdTime)], ["Started", formatTime(s.startTime)], ["Ended", formatTime(s.endTime)],
    ["Wall time", s.startTime ? formatDuration(wallTimeMs(s, Date.now()) ?? 0) : undefined], ["Expires", formatTime(s.expiryTime)],
    ["Cores", s.requestedCPUCores ?? "flexible"], ["RAM", s.requestedRAM ? `${s.requestedRAM} GB` : "flexible"], ["GPUs", s.requestedGPUCores],
    ["Cores in use", s.cpuCoresInUse], ["RAM in use", s.ramInUse ? `${s.ramInUse} GB` : undefined],
    ["Exit code", s.exitCode?.toString()], ["Why", s.statusMessage], ["Labels", formatLabels(s.labels)],
    ["Set", s.setId], ["Replica", s.replicaId !== undefined ? `${s.replicaId} of ${s.replicaCount ?? "?"}` : undefined],
    ["Depends on", s.dependsOn?.join(", ")], ["Retries", s.retries?.toString()], ["Working directory", s.workdir],
  ];
  return (
    <>
      <dl class="facts">
        {rows.filter(([, v]) => v !== undefined && v !== "").map(([k, v]) => <Fragment key={k}><dt>{k}</dt><dd>{v}</dd></Fragment>)}
      </dl>
      <details>
        <summary>The session as the API answers it</summary>
        <pre class="json">{JSON.stringify(s, null, 2)}</pre>
      </details>
    </>
  );
}

export function JobPanel({ id, tab, refreshKey, onTab, onClose, onOpen, onStep, onAction }: JobPanelProps) {
  const [session, setSession] = useState<Session | undefined>(liveStore.session(id));
  const [events, setEvents] = useState<SessionEventJson[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [logAttempt, setLogAttempt] = useState<number | undefined>();
  const live = useLive();
  const heading = useRef<HTMLHeadingElement>(null);
  const current: Tab = (TABS as readonly string[]).includes(tab ?? "") ? (tab as Tab) : "Details";

  // The live stream's version replaces ours when newer.
  const streamed = liveStore.session(id);
  useEffect(() => {
    if (streamed) setSession((old) => ({ ...old, ...streamed }));
  }, [streamed, live.version]);

  useEffect(() => {
    setError(undefined);
    setEvents(undefined);
    setLogAttempt(undefined);
    heading.current?.focus();
  }, [id]);

  // Read again when opened, after an action, and on each reload the live stream asks for.
  useEffect(() => {
    let stopped = false;
    getSession(id).then((s) => { if (!stopped) setSession(s); }, (e: unknown) => { if (!stopped) setError(e instanceof Error ? e.message : String(e)); });
    return () => { stopped = true; };
  }, [id, live.reloads, refreshKey]);

  const status = session?.status ?? "";
  useEffect(() => {
    if (current !== "Events") return;
    let stopped = false;
    getEvents(id).then((e) => { if (!stopped) setEvents(e); }, (e: unknown) => { if (!stopped) setError(e instanceof Error ? e.message : String(e)); });
    return () => { stopped = true; };
  }, [id, current, status]);

  const actions: SessionAction[] = ["cancel", "renew", "retry", "delete"];
  return (
    <aside class="job-panel" aria-labelledby="panel-title" onKeyDown={(e) => { if (e.key === "Escape") { e.stopPropagation(); onClose(); } }}>
      <header>
        <h2 id="panel-title" tabIndex={-1} ref={heading}>{session?.name ?? id} {session && <StatusBadge status={session.status} />}</h2>
        <div class="buttons">
          <button type="button" onClick={() => onStep(-1)} aria-label="Previous session">↑</button>
          <button type="button" onClick={() => onStep(1)} aria-label="Next session">↓</button>
          <button type="button" onClick={onClose} aria-label="Close the session panel">✕</button>
        </div>
      </header>
      {session && (
        <div class="buttons actions">
          {actions.filter((a) => (a === "delete" ? !isActive(session.status) : canApply(a, session.status))).map((a) => (
            <button key={a} type="button" class={a === "cancel" || a === "delete" ? "danger" : ""} onClick={() => onAction(a, session)}>
              {a[0]!.toUpperCase() + a.slice(1)}
            </button>
          ))}
        </div>
      )}
      {error && <p role="alert" class="error">{error}</p>}
      <div role="tablist" aria-label="Session details" class="tabs" onKeyDown={(e) => {
        const i = TABS.indexOf(current);
        const to = e.key === "ArrowRight" ? TABS[(i + 1) % TABS.length] : e.key === "ArrowLeft" ? TABS[(i + TABS.length - 1) % TABS.length] : undefined;
        if (to) {
          e.preventDefault();
          onTab(to);
          requestAnimationFrame(() => document.getElementById(`tab-${to}`)?.focus());
        }
      }}>
        {TABS.map((t) => (
          <button key={t} id={`tab-${t}`} type="button" role="tab" aria-selected={t === current} aria-controls="panel-body" tabIndex={t === current ? 0 : -1} onClick={() => onTab(t)}>{t}</button>
        ))}
      </div>
      <div id="panel-body" role="tabpanel" aria-labelledby={`tab-${current}`} class="panel-body">
        {!session ? <p class="muted">Loading…</p> : (
          <>
            {current === "Details" && <Details s={session} />}
            {current === "Events" && (events ? <EventTimeline events={events} /> : <p class="muted">Loading…</p>)}
            {current === "Waiting" && (/^pending$/i.test(session.status) ? <WaitExplanation session={session} onOpen={onOpen} /> : <p>Not waiting: {session.status}{session.statusMessage ? `. ${session.statusMessage}` : "."}</p>)}
            {current === "Attempts" && <AttemptList session={session} onShowLog={(n) => { setLogAttempt(n); onTab("Logs"); }} />}
            {current === "Logs" && <LogView sessionId={session.id} sessionName={session.name ?? ""} active={isActive(session.status)} attempt={logAttempt} />}
            {current === "Usage" && <SessionUsagePlot sessionId={session.id} running={/^running$/i.test(session.status)} />}
          </>
        )}
      </div>
    </aside>
  );
}
