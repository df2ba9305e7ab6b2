/** What `skyrun`'s exit status means, so scripts can branch on it. */
export const EXIT = {
  OK: 0,
  /** Something failed: a request, or at least one item of a bulk command. */
  FAILURE: 1,
  /** The command line or a parameter was wrong. */
  USAGE: 2,
  /** The named session, user or token does not exist. */
  NOT_FOUND: 3,
  /** Missing, invalid or expired credentials, or not allowed. */
  AUTH: 4,
  /** The server or its engine could not be reached. */
  UNAVAILABLE: 5,
  /** A job the command waited for ended Failed. */
  JOB_FAILED: 6,
  /** `wait` gave up after its timeout. */
  TIMEOUT: 7,
} as const;
