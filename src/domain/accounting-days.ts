/**
 * Accounting counts a job on the UTC day it ended. Days are numbered from the Unix
 * epoch (day 0 is 1970-01-01), which both databases store and compare as integers.
 */

/** How usage is summed over time: per day, per ISO week (from Monday), per calendar month, or over the whole range. */
export type AccountingPeriod = "day" | "week" | "month" | "all";

export const ACCOUNTING_PERIODS: readonly AccountingPeriod[] = ["day", "week", "month", "all"];

const DAY_MS = 86_400_000;

/** The UTC day of an instant. */
export const dayOf = (d: Date): number => Math.floor(d.getTime() / DAY_MS);

/** `YYYY-MM-DD` of a day number. */
export const isoDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The day number of a `YYYY-MM-DD` date, or undefined when it is not a real calendar date. */
export function parseIsoDay(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-30 over to March: such a date is not a date.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return undefined;
  return ms / DAY_MS;
}

/** The first day of the month a day is in. */
export function monthStart(day: number): number {
  const d = new Date(day * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY_MS;
}

/**
 * The first day of the period a day falls in. Weeks start on Monday (ISO 8601); day 0,
 * 1970-01-01, was a Thursday. With `all`, every day of the range is in one period that
 * starts at `rangeStart`.
 */
export function periodStart(day: number, period: AccountingPeriod, rangeStart: number): number {
  switch (period) {
    case "day": return day;
    case "week": return day - (((day + 3) % 7) + 7) % 7;
    case "month": return monthStart(day);
    case "all": return rangeStart;
  }
}

/** Seconds in a (Julian) year, as core-years are counted: 365.25 days. */
export const SECONDS_PER_YEAR = 365.25 * 86_400;
