import type { BulkOutcomeJson } from "../../contracts/session.js";
import type { BulkOutcome } from "../../jobs/bulk-actions.js";

/** One session's outcome of a bulk action, as the JSON opt-in shows it. */
export const toBulkOutcomeJson = (o: BulkOutcome): BulkOutcomeJson => ({ id: o.id, outcome: o.outcome, status: o.status, ...(o.message ? { message: o.message } : {}) });

/** A bulk action's answer as text: one `<id> <outcome>[: why]` line per session. */
export const toBulkText = (outcomes: readonly BulkOutcome[]): string =>
  outcomes.map((o) => `${o.id} ${o.outcome}${o.message ? `: ${o.message.replace(/\s+/g, " ")}` : ""}\n`).join("");
