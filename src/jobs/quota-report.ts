import { dayOf, monthStart, parseIsoDay } from "../domain/accounting-days.js";
import { invalid } from "../domain/errors.js";
import type { Principal } from "../identity/principal.js";
import type { JobServiceDeps } from "./job-service-deps.js";

/** Core-hours per month each group or project may use (`accounting.quotas`). */
export interface AccountingSettings {
  readonly quotas: {
    readonly groups: Readonly<Record<string, { readonly coreHoursPerMonth: number }>>;
    readonly projects: Readonly<Record<string, { readonly coreHoursPerMonth: number }>>;
  };
}

export interface QuotaUsage {
  readonly kind: "group" | "project";
  readonly name: string;
  readonly coreHoursPerMonth: number;
  readonly coreHours: number;
}

export interface QuotaReport {
  /** Day number of the month's first day. */
  readonly monthStart: number;
  readonly quotas: readonly QuotaUsage[];
}

function parseMonth(text: string | undefined, now: Date): number {
  if (text === undefined || text === "") return monthStart(dayOf(now));
  const day = /^\d{4}-\d{2}$/.test(text.trim()) ? parseIsoDay(`${text.trim()}-01`) : undefined;
  if (day === undefined) throw invalid(`Invalid value for 'month': ${text}. Allowed: a month YYYY-MM, e.g. 2026-11.`, { parameter: "month" });
  return day;
}

/**
 * `GET /accounting/quotas`: each configured group's and project's core-hours of the
 * month against its quota. A group's usage is its members' jobs (a job counts for every
 * group of its owner); a project's is the jobs charged to it. Users see the quotas of
 * their own groups and of the projects of those groups, with the whole group's usage;
 * administrators see every quota. Quotas are reported, not enforced.
 */
export async function quotaReport(deps: Pick<JobServiceDeps, "store" | "clock">, settings: AccountingSettings, principal: Principal, month: string | undefined): Promise<QuotaReport> {
  const fromDay = parseMonth(month, deps.clock.now());
  const toDay = monthStart(fromDay + 31) - 1;
  const mine = new Set(principal.user.groups.map((g) => g.name));
  const visible = (name: string) => principal.isAdmin || mine.has(name);
  const used = async (by: "group" | "project") => {
    const hours = new Map<string, number>();
    for (const b of await deps.store.accounting.usage({ fromDay, toDay, by })) hours.set(b.key, (hours.get(b.key) ?? 0) + b.coreSeconds / 3600);
    return hours;
  };
  const [groups, projects] = await Promise.all([used("group"), used("project")]);
  const rows = (kind: "group" | "project", quotas: AccountingSettings["quotas"]["groups"], hours: Map<string, number>): QuotaUsage[] =>
    Object.entries(quotas).filter(([name]) => visible(name)).sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, q]) => ({ kind, name, coreHoursPerMonth: q.coreHoursPerMonth, coreHours: hours.get(name) ?? 0 }));
  return { monthStart: fromDay, quotas: [...rows("group", settings.quotas.groups, groups), ...rows("project", settings.quotas.projects, projects)] };
}
