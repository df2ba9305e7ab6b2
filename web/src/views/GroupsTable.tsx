/**
 * Sessions grouped by set, DAG or label, each group with its DONE / RUN / IDLE / FAILED /
 * TOTAL counts and a progress bar. Counts cover every session the filters match, up to
 * {@link GROUP_LIMIT} (loaded page by page).
 */
import { Fragment } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Session } from "../api/extension-types.js";
import { listAllMatching } from "../api/session-listing.js";
import { useLive } from "../state/live-store.js";
import { groupSessions, type SessionGroup } from "../state/session-groups.js";
import { printQuery, type SessionQuery } from "../state/session-query.js";

export const GROUP_LIMIT = 20_000;

function Progress({ g }: { g: SessionGroup }) {
  const c = g.counts;
  const pct = (n: number) => `${((100 * n) / Math.max(1, c.total)).toFixed(1)}%`;
  const finished = c.done + c.failed;
  return (
    <div class="progress" role="progressbar" aria-label={`${g.label}: ${finished} of ${c.total} finished`} aria-valuemin={0} aria-valuemax={c.total} aria-valuenow={finished}>
      <span class="seg done" style={{ width: pct(c.done) }} />
      <span class="seg failed" style={{ width: pct(c.failed) }} />
      <span class="seg run" style={{ width: pct(c.run) }} />
    </div>
  );
}

export function GroupsTable({ q, onQuery, onOpen }: { q: SessionQuery; onQuery: (next: SessionQuery) => void; onOpen: (id: string) => void }) {
  const [rows, setRows] = useState<Session[] | undefined>();
  const [total, setTotal] = useState(0);
  const [progress, setProgress] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [expanded, setExpanded] = useState<string | undefined>();
  const live = useLive();
  const key = printQuery(q);

  useEffect(() => {
    let stopped = false;
    setError(undefined);
    listAllMatching({ ...q, group: "" }, GROUP_LIMIT, (n, t) => { if (!stopped) setProgress(`Loading ${n} of ${t}…`); })
      .then((r) => { if (!stopped) { setRows(r.rows); setTotal(r.total); setProgress(""); } }, (e: unknown) => { if (!stopped) setError(e instanceof Error ? e.message : String(e)); });
    return () => { stopped = true; };
  }, [key, live.reloads, Math.floor(live.version / 25)]);

  if (error) return <p role="alert" class="error">{error}</p>;
  if (!rows) return <p class="muted" role="status">{progress || "Loading…"}</p>;
  const groups = groupSessions(rows, q.group);
  return (
    <div class="groups">
      {total > rows.length && <p class="muted">Counting the first {rows.length} of {total} matching sessions.</p>}
      <table class="simple groups-table">
        <caption class="visually-hidden">Session groups</caption>
        <thead>
          <tr><th scope="col">Group</th><th scope="col" class="num">Done</th><th scope="col" class="num">Run</th><th scope="col" class="num">Idle</th><th scope="col" class="num">Failed</th><th scope="col" class="num">Total</th><th scope="col">Progress</th></tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <Fragment key={g.key}>
              <tr>
                <th scope="row">
                  <button type="button" class="link" aria-expanded={expanded === g.key} onClick={() => setExpanded(expanded === g.key ? undefined : g.key)}>{g.label}</button>
                  {g.filter && <button type="button" class="small" onClick={() => onQuery({ ...q, ...g.filter, group: "" })}>Show in table</button>}
                </th>
                <td class="num">{g.counts.done}</td><td class="num">{g.counts.run}</td><td class="num">{g.counts.idle}</td><td class="num">{g.counts.failed}</td><td class="num">{g.counts.total}</td>
                <td><Progress g={g} /></td>
              </tr>
              {expanded === g.key && (
                <tr>
                  <td colSpan={7}>
                    <ul class="members">
                      {g.sample.map((s) => <li key={s.id}><button type="button" class="link" onClick={() => onOpen(s.id)}>{s.name ?? s.id}</button> <span class="muted">{s.status}</span></li>)}
                    </ul>
                    {g.counts.total > g.sample.length && <p class="muted">First {g.sample.length} of {g.counts.total}.</p>}
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}
