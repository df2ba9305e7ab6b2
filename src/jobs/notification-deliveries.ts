import { AppError, invalid } from "../domain/errors.js";
import type { Principal } from "../identity/principal.js";
import type { OutboxEntry } from "../store/notification-store.js";
import type { JobServiceDeps } from "./job-service-deps.js";

/**
 * `GET /notifications`: the caller's notifications, newest first, with their attempts —
 * how a user finds out why their receiver heard nothing. `all=true`: everyone's, for
 * administrators.
 */
export async function listNotifications(deps: Pick<JobServiceDeps, "store">, principal: Principal, p: { limit?: string | undefined; all?: string | undefined }): Promise<OutboxEntry[]> {
  const limit = p.limit === undefined ? 100 : Number(p.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalid(`Invalid value for 'limit': ${p.limit ?? ""}. Allowed: a whole number from 1 to 1000.`, { parameter: "limit" });
  const all = p.all !== undefined && /^(|true|1|yes)$/i.test(p.all.trim());
  if (all && !principal.isAdmin) throw new AppError("FORBIDDEN", "Every user's notifications (all=true) are for administrators; leave out all to see yours.");
  return deps.store.notifications.list({ owner: all ? undefined : principal.user.name, limit });
}
