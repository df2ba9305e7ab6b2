import type { ApiVersion } from "../../contracts/api-version.js";
import type { QueueJson, QueueUserJson } from "../../contracts/platform.js";
import type { QueueOverview, QueueUser } from "../../jobs/queue-overview.js";
import type { SchedulingPort } from "../../jobs/scheduling-port.js";
import { toSessionJson } from "./session-presenter.js";

const round = (n: number, places: number): number => Number(n.toFixed(places));

function toQueueUserJson(u: QueueUser): QueueUserJson {
  if (!u.details) return { user: u.user, queued: u.queued, running: u.running };
  return {
    user: u.user,
    groups: [...u.details.groups],
    priority: u.details.priority,
    fairShareUsage: round(u.details.fairShareCoreHours, 3),
    queued: u.queued,
    running: u.running,
    coresInUse: round(u.details.coresInUse, 3),
  };
}

/** `GET /queue`. */
export function toQueueJson(q: QueueOverview, version: ApiVersion, scheduling: Pick<SchedulingPort, "explain">): QueueJson {
  const c = q.capacity;
  return {
    capacity: { cores: c.total.cores, ramGB: c.total.ramGB, gpus: c.total.gpus, coresInUse: round(c.inUse.cores, 3), ramInUseGB: round(c.inUse.ramGB, 3) },
    users: q.users.map(toQueueUserJson),
    longestWaiting: q.longestWaiting.map((j) => toSessionJson(j, version, { waiting: scheduling.explain(j) })),
    oldestRunning: q.oldestRunning.map((j) => toSessionJson(j, version)),
    engine: {
      kind: q.engineKind,
      ...(c.partition ? { partition: c.partition } : {}),
      ...(c.nodes ? { nodes: c.nodes.map((n) => ({ ...n })) } : {}),
    },
  };
}
