/**
 * Confirms an action on sessions, runs it, and lists what happened to each one.
 * A modal <dialog>: focus stays inside until it is closed, Escape closes it.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { Session } from "../api/extension-types.js";
import { ACTION_WORDS, actOnEach, actOnFilter, type ActionOutcome, type SessionAction } from "../state/session-actions.js";
import type { SessionQuery } from "../state/session-query.js";

export type ActionTargets =
  | { readonly kind: "sessions"; readonly sessions: readonly Pick<Session, "id" | "name">[] }
  | { readonly kind: "filter"; readonly q: SessionQuery; readonly count: number | undefined; readonly description: string };

export interface ActionRequest {
  readonly action: SessionAction;
  readonly targets: ActionTargets;
}

export function ActionDialog({ request, onClose }: { readonly request: ActionRequest; onClose: (changed: boolean) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [phase, setPhase] = useState<"confirm" | "running" | "done">("confirm");
  const [outcomes, setOutcomes] = useState<ActionOutcome[]>([]);
  const [progress, setProgress] = useState("");
  const [error, setError] = useState<string | undefined>();
  const stop = useRef(new AbortController());
  const words = ACTION_WORDS[request.action];
  const t = request.targets;
  const what = t.kind === "sessions"
    ? (t.sessions.length === 1 ? `session ${t.sessions[0]!.name ?? ""} (${t.sessions[0]!.id})` : `${t.sessions.length} selected sessions`)
    : `every session matching ${t.description}${t.count !== undefined ? ` (${t.count})` : ""}`;

  useEffect(() => {
    dialog.current?.showModal();
    return () => stop.current.abort();
  }, []);

  const run = async () => {
    setPhase("running");
    const add = (o: ActionOutcome) => setOutcomes((old) => [...old, o]);
    try {
      if (t.kind === "sessions") await actOnEach(request.action, t.sessions, add, stop.current.signal);
      else await actOnFilter(request.action, t.q, add, setProgress, stop.current.signal);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    setPhase("done");
  };

  const failed = outcomes.filter((o) => !o.ok).length;
  const close = () => {
    stop.current.abort();
    dialog.current?.close();
    onClose(outcomes.length > 0);
  };

  return (
    <dialog ref={dialog} class="action-dialog" aria-labelledby="action-title" onCancel={(e) => { e.preventDefault(); close(); }}>
      <h2 id="action-title">{words.verb} {what}?</h2>
      {phase === "confirm" && (
        <>
          <p>{request.action === "cancel" || request.action === "delete" ? "Running sessions are stopped; this cannot be undone." : request.action === "renew" ? "Each session's deadline is extended as the platform computes it." : "Each session is submitted again with the same request."}</p>
          <div class="buttons">
            <button type="button" class={request.action === "renew" || request.action === "retry" ? "primary" : "danger"} onClick={() => void run()}>{words.verb}</button>
            <button type="button" onClick={close}>Keep them</button>
          </div>
        </>
      )}
      {phase !== "confirm" && (
        <>
          <p role="status" aria-live="polite">
            {phase === "running" ? `${progress || "Working…"} ${outcomes.length} done` : `${outcomes.length - failed} ${words.done}, ${failed} failed.`}
          </p>
          {error && <p role="alert" class="error">{error}</p>}
          {outcomes.length > 0 && (
            <div class="results">
              <table class="simple">
                <caption class="visually-hidden">Result per session</caption>
                <thead><tr><th scope="col">Session</th><th scope="col">Result</th></tr></thead>
                <tbody>
                  {outcomes.slice(0, 1000).map((o) => (
                    <tr key={o.id} class={o.ok ? "" : "failed"}><td><code>{o.id}</code> {o.name ?? ""}</td><td>{o.ok ? "✓ " : "✗ "}{o.message}</td></tr>
                  ))}
                </tbody>
              </table>
              {outcomes.length > 1000 && <p class="muted">and {outcomes.length - 1000} more.</p>}
            </div>
          )}
          <div class="buttons"><button type="button" class="primary" onClick={close} disabled={phase === "running" && t.kind === "sessions" && outcomes.length === 0}>{phase === "running" ? "Stop" : "Close"}</button></div>
        </>
      )}
    </dialog>
  );
}
