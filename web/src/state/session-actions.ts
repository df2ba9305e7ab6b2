/**
 * Cancel, delete, renew and retry on one session, a selection, or every session a
 * filter matches, with an outcome per session. "Cancel" and "delete" are both
 * `DELETE /session/{id}` (the skaha API has one verb): the words follow the session's
 * state: "cancel" is offered for sessions still running or waiting, "delete" for any. A filter the server's bulk selectors cover (label, name, set) is one request;
 * any other is listed and acted on one session at a time, four at once.
 */
import { actOnSession, ApiError, bulkAction, isMissingEndpoint } from "../api/api-client.js";
import type { Session } from "../api/extension-types.js";
import { invalidateListing, listAllMatching } from "../api/session-listing.js";
import type { SessionQuery } from "./session-query.js";

export type SessionAction = "cancel" | "delete" | "renew" | "retry";

export const ACTION_WORDS: Record<SessionAction, { verb: string; done: string }> = {
  cancel: { verb: "Cancel", done: "cancelled" },
  delete: { verb: "Delete", done: "deleted" },
  renew: { verb: "Renew", done: "renewed" },
  retry: { verb: "Retry", done: "retried" },
};

export interface ActionOutcome {
  readonly id: string;
  readonly name?: string | undefined;
  readonly ok: boolean;
  readonly message: string;
}

const isActive = (s: string) => /^(pending|running|terminating)$/i.test(s);

/** Whether an action applies to a session in this status. */
export function canApply(action: SessionAction, status: string): boolean {
  switch (action) {
    case "cancel": return isActive(status);
    case "delete": return true;
    case "renew": return /^running$/i.test(status);
    case "retry": return !isActive(status);
  }
}

async function actOne(action: SessionAction, s: Pick<Session, "id" | "name">): Promise<ActionOutcome> {
  try {
    const verb = action === "cancel" ? "delete" : action;
    const answer = (await actOnSession(s.id, verb)).trim();
    const message = action === "retry" && answer !== "" ? `retried as ${answer.split("\n")[0]}` : ACTION_WORDS[action].done;
    return { id: s.id, name: s.name, ok: true, message };
  } catch (e) {
    const message = isMissingEndpoint(e) && action === "retry" ? "this server cannot retry sessions yet" : e instanceof ApiError ? e.message : String(e);
    return { id: s.id, name: s.name, ok: false, message };
  }
}

/** Acts on each session, at most four requests at once, reporting each outcome as it comes. */
export async function actOnEach(action: SessionAction, sessions: readonly Pick<Session, "id" | "name">[], onOutcome: (o: ActionOutcome) => void, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < sessions.length && !signal?.aborted) {
      const s = sessions[next++]!;
      if (s.id === "") continue;
      onOutcome(await actOne(action, s));
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  invalidateListing();
}

/** The server's per-session outcome words, as the dialog says them: a running session is deleted by being stopped. */
const BULK_OUTCOME_WORDS: Readonly<Record<string, string>> = { deleted: "deleted", terminating: "deleted (stopping)", renewed: "renewed", unchanged: "renewed (deadline unchanged)" };

/** The bulk selector of a filter, when the server's bulk actions can express it exactly. */
export function bulkSelector(q: SessionQuery): Record<string, string | readonly string[]> | undefined {
  const only = q.status.length === 0 && q.id === "" && q.image === "" && q.user === "" && q.from === "" && q.to === "" && q.exitCode === "" && !q.all;
  if (!only || (q.labels.length === 0 && q.name === "" && q.set === "")) return undefined;
  return { ...(q.labels.length > 0 ? { label: q.labels } : {}), ...(q.name ? { name: q.name } : {}), ...(q.set ? { set: q.set } : {}) };
}

/** Acts on every session the filter matches. */
export async function actOnFilter(action: SessionAction, q: SessionQuery, onOutcome: (o: ActionOutcome) => void, onProgress: (text: string) => void, signal?: AbortSignal): Promise<void> {
  const selector = bulkSelector(q);
  if (selector && (action === "delete" || action === "cancel" || action === "renew")) {
    try {
      const outcomes = await bulkAction(action === "renew" ? "renew" : "delete", selector);
      for (const o of outcomes) onOutcome({ id: o.id, ok: o.status < 400, message: o.message ?? BULK_OUTCOME_WORDS[o.outcome] ?? o.outcome });
      invalidateListing();
      return;
    } catch (e) {
      if (!(e instanceof ApiError) || (e.status !== 400 && !isMissingEndpoint(e))) throw e;
      // A server without bulk selectors: list and act one by one.
    }
  }
  onProgress("Listing the matching sessions…");
  const { rows } = await listAllMatching(q, 100_000, (n, total) => onProgress(`Listing the matching sessions: ${n} of ${total}`));
  const targets = rows.filter((s) => canApply(action, s.status));
  onProgress(`${ACTION_WORDS[action].verb}: ${targets.length} sessions`);
  await actOnEach(action, targets, onOutcome, signal);
}
