/** `accounting()`: the range (`YYYY-MM-DD`, inclusive; default this month), what rows are keyed by and per what period. */
export interface AccountingQuery {
  readonly from?: string;
  readonly to?: string;
  /** `user` (default), `group`, `project`, `image` or `label:<key>`. */
  readonly by?: string;
  /** `day`, `week`, `month` (default) or `all`. */
  readonly period?: string;
  /** Administrators: only this user's jobs. */
  readonly user?: string;
}

/** `jobHistory()`: the range and (administrators) one user; `pageSize` jobs per request (1 to 10000). */
export interface JobHistoryQuery {
  readonly from?: string;
  readonly to?: string;
  readonly user?: string;
  readonly pageSize?: number;
}
