import { formatInstant } from "../../contracts/instant.js";
import type { WaitExplanation, WaitReason } from "../../domain/wait-explanation.js";

const gb = (n: number): string => `${Math.round(n * 100) / 100}`;

function what(need: { cores: number; ramGB: number; gpus: number }): string {
  return [`${need.cores} cores`, `${gb(need.ramGB)} GB RAM`, ...(need.gpus > 0 ? [`${need.gpus} GPUs`] : [])].join(", ");
}

function reasonText(r: WaitReason): string {
  switch (r.kind) {
    case "dependencies":
      return `waiting for session${r.waitingOn.length > 1 ? "s" : ""} ${r.waitingOn.join(", ")} to succeed`;
    case "engine-unavailable":
      return "container engine unavailable; the session starts when it is back";
    case "user-limit":
      return r.limit === "running-jobs"
        ? `user limit: ${r.inUse} of ${r.max} running jobs`
        : `user limit: ${r.inUse} of ${r.max} running cores in use, this session needs ${r.need}`;
    case "capacity":
    case "reserved": {
      const have = `${gb(Math.max(0, r.free.cores))} of ${r.total.cores} cores and ${gb(Math.max(0, r.free.ramGB))} of ${r.total.ramGB} GB free`;
      return `waiting for ${what(r.need)}: ${have}`;
    }
    case "not-examined":
      return `waiting behind the ${r.depth} sessions a scheduling pass examines`;
    case "engine-queue":
      return r.detail;
    case "throttle":
      return r.scope === "set"
        ? `set limit: ${r.running} of its set's sessions run, maxRunning is ${r.max}`
        : `label limit: ${r.running} of your sessions labelled ${r.label ?? "?"} run, maxRunning is ${r.max}`;
    case "retry-backoff":
      return `attempt ${r.attempt - 1} of ${r.attempts} failed; attempt ${r.attempt} starts after ${formatInstant(r.until)}`;
  }
}

/**
 * The words the API and the CLI show for why a session waits (its `statusMessage`
 * and the `Waiting` event): the reason in numbers, then its place in the queue.
 */
export function describeWait(e: WaitExplanation): string {
  const r = e.reason;
  const text = reasonText(r);
  if (r.kind === "dependencies" || r.kind === "engine-queue" || r.kind === "retry-backoff") return text;
  const where = `position ${e.position ?? `${e.positionLimit}+`} in queue`;
  const held = r.kind === "reserved" ? `; held back so that session ${r.reservedFor}, ahead in the queue, is not delayed` : "";
  return `${text}; ${where}${held}`;
}
