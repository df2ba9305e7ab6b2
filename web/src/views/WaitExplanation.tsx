/** Why a pending session waits, in numbers (the `waiting` structure), or the server's sentence. */
import type { ResourceAmounts, Session } from "../api/extension-types.js";
import { formatNumber } from "../format.js";

const amounts = (a: ResourceAmounts | undefined): string =>
  a ? [`${formatNumber(a.cores, 3)} cores`, `${formatNumber(a.ramGB, 2)} GB RAM`, a.gpus ? `${a.gpus} GPUs` : ""].filter((s) => s !== "").join(", ") : "";

const KIND_WORDS: Record<string, string> = {
  capacity: "Waiting for free capacity",
  reserved: "Capacity is held for a job ahead of it",
  "user-limit": "A per-user limit is reached",
  dependencies: "Waiting for the sessions it depends on",
  "engine-unavailable": "The engine is unavailable",
  "engine-queue": "Queued in the engine",
  "not-examined": "Not examined in the last scheduling pass",
  throttle: "Its set's limit on running sessions is reached",
  "retry-backoff": "Waiting before its next attempt",
};

export function WaitExplanation({ session, onOpen }: { readonly session: Session; onOpen: (id: string) => void }) {
  const w = session.waiting;
  if (!w) return <p>{session.statusMessage ?? "No reason given yet."}</p>;
  return (
    <div class="waiting">
      <p><strong>{KIND_WORDS[w.kind] ?? w.kind}</strong>{w.detail ? `: ${w.detail}` : ""}</p>
      <dl class="facts">
        {w.position !== undefined && <><dt>Queue position</dt><dd>{w.position}{w.positionLimit !== undefined ? ` of ${w.positionLimit}${w.position >= w.positionLimit ? "+" : ""}` : ""}</dd></>}
        {w.need && <><dt>Needs</dt><dd>{amounts(w.need)}</dd></>}
        {w.free && <><dt>Free now</dt><dd>{amounts(w.free)}</dd></>}
        {w.total && <><dt>In all</dt><dd>{amounts(w.total)}</dd></>}
        {w.reservedFor && <><dt>Held for</dt><dd><button type="button" class="link" onClick={() => onOpen(w.reservedFor!)}>{w.reservedFor}</button></dd></>}
        {w.limit && <><dt>Limit</dt><dd>{w.limit}{w.inUse !== undefined && w.max !== undefined ? `: ${w.inUse} of ${w.max} in use` : ""}</dd></>}
        {w.waitingOn && w.waitingOn.length > 0 && <><dt>Waiting on</dt><dd>{w.waitingOn.map((id) => <button key={id} type="button" class="link" onClick={() => onOpen(id)}>{id}</button>)}</dd></>}
      </dl>
      {session.statusMessage && <p class="muted">{session.statusMessage}</p>}
    </div>
  );
}
