/** A session's attempts, past and current (retries). */
import type { Session } from "../api/extension-types.js";
import { formatTime } from "../format.js";
import { StatusBadge } from "./StatusBadge.js";

export function AttemptList({ session, onShowLog }: { readonly session: Session; onShowLog: (attempt: number) => void }) {
  const attempts = session.attempts;
  if (!attempts || attempts.length === 0) {
    return <p class="muted">{session.attempt === undefined ? "This server does not report attempts; the session has run at most once." : `Attempt ${session.attempt}.`}</p>;
  }
  return (
    <table class="simple">
      <caption class="visually-hidden">Attempts</caption>
      <thead><tr><th scope="col">#</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col">Ended</th><th scope="col">Exit</th><th scope="col">Why</th><th scope="col"><span class="visually-hidden">Log</span></th></tr></thead>
      <tbody>
        {attempts.map((a) => (
          <tr key={a.attempt}>
            <td>{a.attempt}</td><td><StatusBadge status={a.status} /></td><td>{formatTime(a.startTime)}</td><td>{formatTime(a.endTime)}</td>
            <td>{a.exitCode ?? ""}</td><td>{a.statusMessage ?? ""}</td>
            <td><button type="button" class="link" onClick={() => onShowLog(a.attempt)}>Log</button></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
