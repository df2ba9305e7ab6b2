/**
 * A session's log: followed live while it runs (`?view=logs&follow=true`), searched
 * with highlighted matches, with the time each line arrived, wrapped or not, and
 * downloaded whole. The page holds the last {@link TAIL_LINES} lines; the download has all.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { followLogs, getLogs } from "../api/api-client.js";

const TAIL_LINES = 5000;

interface Line {
  readonly text: string;
  /** When the browser received it; undefined for lines that were there when the log opened. */
  readonly receivedMs: number | undefined;
}

export interface LogViewProps {
  readonly sessionId: string;
  readonly sessionName: string;
  /** Still pending or running: the log can grow. */
  readonly active: boolean;
  readonly attempt?: number | undefined;
}

function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

function Highlighted({ text, term }: { text: string; term: string }) {
  if (term === "") return <>{text}</>;
  const parts: preact.ComponentChildren[] = [];
  const lower = text.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf(term); at >= 0; at = lower.indexOf(term, from)) {
    parts.push(text.slice(from, at), <mark key={at}>{text.slice(at, at + term.length)}</mark>);
    from = at + term.length;
  }
  parts.push(text.slice(from));
  return <>{parts}</>;
}

export function LogView({ sessionId, sessionName, active, attempt }: LogViewProps) {
  const [lines, setLines] = useState<Line[]>([]);
  const [follow, setFollow] = useState(active);
  const [following, setFollowing] = useState(false);
  const [search, setSearch] = useState("");
  const [times, setTimes] = useState(false);
  const [wrap, setWrap] = useState(true);
  const [error, setError] = useState<string | undefined>();
  const [matchIndex, setMatchIndex] = useState(0);
  const box = useRef<HTMLPreElement>(null);
  const atBottom = useRef(true);

  useEffect(() => {
    const stop = new AbortController();
    let partial = "";
    let opened = false;
    setLines([]);
    setError(undefined);
    const append = (text: string) => {
      const pieces = splitLines(partial + text);
      partial = pieces.pop() ?? "";
      const receivedMs = opened ? Date.now() : undefined;
      opened = true;
      if (pieces.length > 0) setLines((old) => [...old, ...pieces.map((t) => ({ text: t, receivedMs }))].slice(-TAIL_LINES));
    };
    const run = async () => {
      try {
        if (follow && active && attempt === undefined) {
          setFollowing(true);
          await followLogs(sessionId, append, stop.signal, TAIL_LINES);
        } else {
          append(await getLogs(sessionId, { attempt, tail: TAIL_LINES }));
        }
        if (partial !== "") append("\n");
      } catch (e) {
        if (!stop.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      } finally {
        if (!stop.signal.aborted) setFollowing(false);
      }
    };
    void run();
    return () => stop.abort();
  }, [sessionId, follow, active, attempt]);

  useEffect(() => {
    const el = box.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [lines]);

  const term = search.trim().toLowerCase();
  const matches = term === "" ? [] : lines.flatMap((l, i) => (l.text.toLowerCase().includes(term) ? [i] : []));
  const showMatch = (n: number) => {
    if (matches.length === 0) return;
    const i = ((n % matches.length) + matches.length) % matches.length;
    setMatchIndex(i);
    box.current?.querySelector(`[data-line="${matches[i]}"]`)?.scrollIntoView({ block: "center" });
  };

  const download = async () => {
    const text = await getLogs(sessionId, { attempt });
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${sessionName || sessionId}${attempt !== undefined ? `-attempt${attempt}` : ""}.log`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  return (
    <section class="log-view" aria-label="Log">
      <div class="toolbar" role="toolbar" aria-label="Log tools">
        <label><input type="checkbox" checked={follow} disabled={!active || attempt !== undefined} onChange={(e) => setFollow(e.currentTarget.checked)} /> Follow</label>
        <label><input type="checkbox" checked={times} onChange={(e) => setTimes(e.currentTarget.checked)} /> Times</label>
        <label><input type="checkbox" checked={wrap} onChange={(e) => setWrap(e.currentTarget.checked)} /> Wrap</label>
        <input type="search" aria-label="Search the log" placeholder="Search" value={search}
          onInput={(e) => { setSearch(e.currentTarget.value); setMatchIndex(0); }}
          onKeyDown={(e) => { if (e.key === "Enter") showMatch(matchIndex + (e.shiftKey ? -1 : 1)); }} />
        <span class="muted" aria-live="polite">{term === "" ? "" : `${matches.length} matching line${matches.length === 1 ? "" : "s"}`}</span>
        <button type="button" onClick={() => void download()}>Download</button>
        <span class="muted" aria-live="polite">{following ? "Following…" : ""}</span>
      </div>
      {error && <p role="alert" class="error">{error}</p>}
      <pre ref={box} class={`log${wrap ? " wrap" : ""}`} tabIndex={0} aria-label={`Log of ${sessionName || sessionId}`}
        onScroll={(e) => { const el = e.currentTarget; atBottom.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8; }}>
        {lines.length === 0 && !error ? <span class="muted">{following ? "Waiting for output…" : "The log is empty."}</span> : null}
        {lines.map((l, i) => (
          <div key={i} data-line={i} class={matches[matchIndex] === i ? "current-match" : undefined}>
            {times && <span class="log-time">{l.receivedMs === undefined ? "·········" : new Date(l.receivedMs).toLocaleTimeString("en-GB")} </span>}
            <Highlighted text={l.text} term={term} />
          </div>
        ))}
      </pre>
    </section>
  );
}
