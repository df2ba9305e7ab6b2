import { LABEL_KEY } from "../contracts/session-request.js";
import { ACCOUNTING_PERIODS, dayOf, isoDay, monthStart, parseIsoDay, type AccountingPeriod } from "../domain/accounting-days.js";
import { AppError, invalid } from "../domain/errors.js";
import type { Principal } from "../identity/principal.js";
import type { UsageDimension } from "../store/accounting-store.js";

/** The raw text parameters of an accounting request, as the API (or CLI) received them. */
export interface AccountingParams {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly by?: string | undefined;
  readonly period?: string | undefined;
  /** Administrators: one user's jobs only. */
  readonly user?: string | undefined;
}

/** A checked range of UTC days, inclusive. */
export interface DayRange {
  readonly fromDay: number;
  readonly toDay: number;
}

/** Ranges longer than this (about a century) are refused rather than walked. */
const MAX_RANGE_DAYS = 36_600;

/** An ISO 8601 instant with its zone (`2026-11-01T00:00:00Z`, `…+01:00`): the dashboard's and scripts' form of a range bound. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

function parseDay(name: "from" | "to", text: string): number {
  const trimmed = text.trim();
  const ms = INSTANT.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  const day = Number.isFinite(ms) && parseIsoDay(trimmed.slice(0, 10)) !== undefined ? dayOf(new Date(ms)) : parseIsoDay(trimmed);
  if (day === undefined) throw invalid(`Invalid value for '${name}': ${text}. Allowed: a date YYYY-MM-DD (UTC), e.g. 2026-11-01, or an ISO 8601 instant (its UTC day).`, { parameter: name });
  return day;
}

/** `from` and `to` (inclusive dates); by default from the first of this month to today. */
export function parseDayRange(p: Pick<AccountingParams, "from" | "to">, now: Date): DayRange {
  const toDay = p.to !== undefined && p.to !== "" ? parseDay("to", p.to) : dayOf(now);
  const fromDay = p.from !== undefined && p.from !== "" ? parseDay("from", p.from) : monthStart(toDay);
  if (fromDay > toDay) throw invalid(`Invalid value for 'to': ${isoDay(toDay)} is before 'from' (${isoDay(fromDay)}).`, { parameter: "to" });
  if (toDay - fromDay >= MAX_RANGE_DAYS) throw invalid(`Invalid value for 'from': the range ${isoDay(fromDay)} to ${isoDay(toDay)} is longer than ${MAX_RANGE_DAYS} days.`, { parameter: "from" });
  return { fromDay, toDay };
}

const DIMENSIONS = ["user", "group", "project", "image"] as const;

/** `by`: user (the default), group, project, image, or `label:<key>`. */
export function parseBy(text: string | undefined): { by: UsageDimension; name: string } {
  const v = (text ?? "user").trim();
  const lower = v.toLowerCase();
  if ((DIMENSIONS as readonly string[]).includes(lower)) return { by: lower as (typeof DIMENSIONS)[number], name: lower };
  if (lower.startsWith("label:")) {
    const key = v.slice("label:".length);
    if (LABEL_KEY.test(key)) return { by: { label: key }, name: `label:${key}` };
    throw invalid(`Invalid value for 'by': ${v}. A label key is lower-case letters, digits and . _ / -, e.g. label:survey.`, { parameter: "by" });
  }
  throw invalid(`Invalid value for 'by': ${v}. Allowed: user, group, project, image, label:<key>.`, { parameter: "by" });
}

/** `period`: day, week, month (the default) or all. */
export function parsePeriod(text: string | undefined): AccountingPeriod {
  const v = (text ?? "month").trim().toLowerCase();
  if ((ACCOUNTING_PERIODS as readonly string[]).includes(v)) return v as AccountingPeriod;
  throw invalid(`Invalid value for 'period': ${text ?? ""}. Allowed: ${ACCOUNTING_PERIODS.join(", ")}.`, { parameter: "period" });
}

/**
 * Whose jobs a request may see: a user their own; an administrator everyone's, or one
 * user's with `user=`. Returns the owner to filter on, or undefined for everyone.
 */
export function accountingScope(principal: Principal, user: string | undefined): string | undefined {
  const asked = user?.trim();
  if (principal.isAdmin) return asked === "" || asked === "*" ? undefined : asked;
  if (asked === undefined || asked === "" || asked === principal.user.name) return principal.user.name;
  throw new AppError("FORBIDDEN", `Accounting of other users (user=${asked}) is for administrators; leave out user to see your own.`);
}
