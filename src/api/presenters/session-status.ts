import type { ApiVersion } from "../../contracts/api-version.js";
import type { SessionStatus } from "../../contracts/session.js";
import type { JobState } from "../../domain/job.js";

/** The platform's status word for a job state. A deleted job reads `Failed`; its reason says why. */
export function statusOf(state: JobState, version: ApiVersion): SessionStatus {
  switch (state) {
    case "queued":
    case "starting":
      return "Pending";
    case "running":
      return "Running";
    case "terminating":
      return "Terminating";
    case "succeeded":
      return version === "v0" ? "Succeeded" : "Completed";
    case "failed":
    case "cancelled":
      return "Failed";
  }
}

/** The job states a `status=` filter value selects. `Succeeded` and `Completed` are synonyms on both versions. */
export function statesForStatus(status: string): readonly JobState[] | undefined {
  switch (status.trim().toLowerCase()) {
    case "pending": return ["queued", "starting"];
    case "running": return ["running"];
    case "terminating": return ["terminating"];
    case "succeeded":
    case "completed": return ["succeeded"];
    case "failed":
    case "error": return ["failed", "cancelled"];
    default: return undefined;
  }
}
export { STATUS_FILTER_VALUES } from "../../contracts/skaha-parameters.js";
