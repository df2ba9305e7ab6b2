import { LABEL_KEY } from "../contracts/session-request.js";
import { invalid } from "../domain/errors.js";
import type { JobId } from "../domain/ids.js";
import { groupBatches, type BatchGrouping, type BatchRow, type BatchSlot } from "../domain/session-batches.js";
import type { Principal } from "../identity/principal.js";
import type { JobServiceDeps } from "./job-service-deps.js";

/** Why-it-waits kinds that mean a queued job could not start even with cores free: HOLD, not IDLE. */
const HOLD_KINDS: ReadonlySet<string> = new Set(["dependencies", "throttle", "retry-backoff"]);

/** `groupBy`: dag (the default: DAGs, else sets, else each session), set, or `label:<key>`. */
export function parseGrouping(text: string | undefined): BatchGrouping {
  const v = (text ?? "dag").trim();
  const lower = v.toLowerCase();
  if (lower === "dag" || lower === "set") return { kind: lower };
  if (lower.startsWith("label:") && LABEL_KEY.test(v.slice(6))) return { kind: "label", key: v.slice(6) };
  throw invalid(`Invalid value for 'groupBy': ${v}. Allowed: dag, set, label:<key> (a label key such as label:survey).`, { parameter: "groupBy" });
}

/**
 * `GET /batches`: the caller's sessions as `condor_q`'s batch view counts them, one row
 * per DAG, set or label value, over every session still kept (so a long sweep's DONE
 * counts sessions that left the listing long ago). HOLD is a queued session that would
 * not start even with cores free: waiting on dependencies, its set's or label group's
 * `maxRunning`, or a retry's back-off; IDLE is one waiting only for room (or its turn).
 */
export async function sessionBatches(deps: Pick<JobServiceDeps, "store" | "scheduling" | "clock">, principal: Principal, o: { groupBy?: string | undefined; all: boolean }): Promise<BatchRow[]> {
  const grouping = parseGrouping(o.groupBy);
  const owner = principal.user.name;
  const now = deps.clock.now();
  const [members, queued] = await Promise.all([deps.store.batches.members(owner), deps.store.jobs.list({ owner, states: ["queued"] })]);
  const held = new Set<JobId>();
  for (const job of queued) {
    const kind = deps.scheduling.explain(job)?.reason.kind;
    if ((kind !== undefined && HOLD_KINDS.has(kind)) || (job.retryAt !== null && job.retryAt > now)) held.add(job.id);
  }
  const slotOf = (m: { id: JobId; state: string }): BatchSlot => (m.state === "queued" ? (held.has(m.id) ? "hold" : "idle") : "run");
  return groupBatches(members, grouping, slotOf, now, o.all);
}
