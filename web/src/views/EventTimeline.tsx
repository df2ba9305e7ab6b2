/** A session's events, oldest first, as a timeline. */
import type { SessionEventJson } from "../../../src/contracts/session-event.js";
import { formatTime } from "../format.js";

export function EventTimeline({ events }: { readonly events: readonly SessionEventJson[] }) {
  if (events.length === 0) return <p class="muted">No events yet.</p>;
  return (
    <ol class="timeline" aria-label="Events">
      {events.map((e, i) => (
        <li key={i} class={e.type === "Warning" ? "warning" : ""}>
          <time dateTime={e.firstTime}>{formatTime(e.lastTime ?? e.firstTime)}</time>
          <strong>{e.reason}</strong>
          {e.type === "Warning" && <span class="badge badge-failed">Warning</span>}
          {e.count !== undefined && e.count > 1 && <span class="muted"> ×{e.count}</span>}
          <div>{e.message}</div>
        </li>
      ))}
    </ol>
  );
}
