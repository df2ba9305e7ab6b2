import { invalid } from "../domain/errors.js";
import type { Principal } from "../identity/principal.js";
import type { HistoryPage } from "../store/accounting-store.js";
import { accountingScope, parseDayRange, type AccountingParams, type DayRange } from "./accounting-query.js";
import type { JobServiceDeps } from "./job-service-deps.js";

/** Entries per page unless `limit` says otherwise, and the most a page may hold. */
export const HISTORY_PAGE_DEFAULT = 1000;
export const HISTORY_PAGE_MAX = 10_000;

export interface HistoryParams extends Pick<AccountingParams, "from" | "to" | "user"> {
  readonly limit?: string | undefined;
  readonly cursor?: string | undefined;
}

function parseLimit(text: string | undefined): number {
  if (text === undefined || text === "") return HISTORY_PAGE_DEFAULT;
  if (!/^\d{1,6}$/.test(text.trim()) || Number(text) < 1 || Number(text) > HISTORY_PAGE_MAX) {
    throw invalid(`Invalid value for 'limit': ${text}. Allowed: a whole number from 1 to ${HISTORY_PAGE_MAX}.`, { parameter: "limit" });
  }
  return Number(text);
}

/** `GET /accounting/jobs`: one page of the per-job history of jobs that ended in the range. */
export async function jobHistoryPage(deps: Pick<JobServiceDeps, "store" | "clock">, principal: Principal, p: HistoryParams): Promise<DayRange & HistoryPage> {
  const range = parseDayRange(p, deps.clock.now());
  const owner = accountingScope(principal, p.user);
  const page = await deps.store.accounting.history({ ...range, owner, limit: parseLimit(p.limit), cursor: p.cursor || undefined });
  return { ...range, ...page };
}

/**
 * Every page of the range, one after another: for the CSV export, which streams the
 * whole range rather than holding it. Parameters are checked before the first page.
 */
export async function jobHistoryPages(deps: Pick<JobServiceDeps, "store" | "clock">, principal: Principal, p: Omit<HistoryParams, "cursor" | "limit">): Promise<DayRange & { pages: AsyncGenerator<HistoryPage> }> {
  const range = parseDayRange(p, deps.clock.now());
  const owner = accountingScope(principal, p.user);
  async function* pages(): AsyncGenerator<HistoryPage> {
    let cursor: string | undefined;
    do {
      const page = await deps.store.accounting.history({ ...range, owner, limit: HISTORY_PAGE_MAX, cursor });
      yield page;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }
  return { ...range, pages: pages() };
}
