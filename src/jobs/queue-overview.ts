import { HOLDS_CAPACITY, type Job } from "../domain/job.js";
import type { Principal } from "../identity/principal.js";
import type { JobServiceDeps } from "./job-service-deps.js";
import type { CapacitySnapshot } from "./scheduling-port.js";

/** Sessions shown in each of the queue's lists. */
export const QUEUE_LIST_LENGTH = 10;

/** One user with sessions queued or holding capacity. Fields beyond the counts only for themselves and administrators. */
export interface QueueUser {
  readonly user: string;
  readonly queued: number;
  readonly running: number;
  /** Present when the caller may see this user's details. */
  readonly details?: { readonly groups: readonly string[]; readonly priority: number; readonly fairShareCoreHours: number; readonly coresInUse: number };
}

export interface QueueOverview {
  readonly capacity: CapacitySnapshot;
  readonly users: readonly QueueUser[];
  readonly longestWaiting: readonly Job[];
  readonly oldestRunning: readonly Job[];
  readonly engineKind: string;
}

/**
 * `GET /queue`: what the cluster offers and holds, who waits and runs. Everyone sees every
 * user's counts of queued and running sessions, as `view=all`'s public fields show them
 * to everyone; only administrators see other users' groups, priority, fair-share usage
 * and cores, and other users' sessions in the two lists (others get their own there).
 */
export async function queueOverview(deps: Pick<JobServiceDeps, "store" | "scheduling" | "engineKind">, principal: Principal): Promise<QueueOverview> {
  const owner = principal.isAdmin ? {} : { owner: principal.user.name };
  const [capacity, byOwner, usage, longestWaiting, oldestRunning] = await Promise.all([
    deps.scheduling.capacity(),
    deps.store.jobs.activeByOwner(),
    deps.store.usage.load(),
    deps.store.jobs.list({ ...owner, states: ["queued"], sort: { field: "created", descending: false }, limit: QUEUE_LIST_LENGTH }),
    deps.store.jobs.list({ ...owner, states: ["running"], sort: { field: "started", descending: false }, limit: QUEUE_LIST_LENGTH }),
  ]);
  const counts = new Map<string, { queued: number; running: number; cores: number }>();
  for (const row of byOwner) {
    const c = counts.get(row.owner) ?? { queued: 0, running: 0, cores: 0 };
    if (row.state === "queued") c.queued += row.jobs;
    if (row.state === "running") c.running += row.jobs;
    if ((HOLDS_CAPACITY as readonly string[]).includes(row.state)) c.cores += row.cores;
    counts.set(row.owner, c);
  }
  const usageOf = new Map(usage.map((u) => [u.user, u.coreSeconds]));
  const users = await Promise.all([...counts].sort(([a], [b]) => a.localeCompare(b)).map(async ([user, c]): Promise<QueueUser> => {
    if (!principal.isAdmin && user !== principal.user.name) return { user, queued: c.queued, running: c.running };
    const u = user === principal.user.name ? principal.user : await deps.store.users.get(user);
    return {
      user, queued: c.queued, running: c.running,
      details: { groups: u?.groups.map((g) => g.name) ?? [], priority: u?.effectivePriority ?? 0, fairShareCoreHours: (usageOf.get(user) ?? 0) / 3600, coresInUse: c.cores },
    };
  }));
  return { capacity, users, longestWaiting, oldestRunning, engineKind: deps.engineKind };
}
