import { formatInstant } from "../../contracts/instant.js";
import type { WaitingJson } from "../../contracts/session.js";
import type { WaitExplanation } from "../../domain/wait-explanation.js";

/** The structured twin of the wait presenter's words: what the dashboard shows in numbers. */
export function toWaitingJson(e: WaitExplanation): WaitingJson {
  const r = e.reason;
  const where = e.position !== null ? { position: e.position } : {};
  const base = { kind: r.kind, ...where, positionLimit: e.positionLimit };
  switch (r.kind) {
    case "capacity":
      return { ...base, need: r.need, free: r.free, total: r.total };
    case "reserved":
      return { ...base, need: r.need, free: r.free, total: r.total, reservedFor: r.reservedFor };
    case "user-limit":
      return { ...base, limit: r.limit, inUse: r.inUse, max: r.max };
    case "dependencies":
      return { kind: r.kind, waitingOn: [...r.waitingOn] };
    case "engine-queue":
      return { kind: r.kind, detail: r.detail };
    case "throttle":
      return { ...base, limit: r.scope, inUse: r.running, max: r.max, ...(r.label ? { detail: r.label } : {}) };
    case "retry-backoff":
      return { kind: r.kind, until: formatInstant(r.until), attempt: r.attempt, max: r.attempts };
    case "not-examined":
    case "engine-unavailable":
      return base;
  }
}
