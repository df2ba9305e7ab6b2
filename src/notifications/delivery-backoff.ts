/** How long to wait before attempts after the first. */
export interface BackoffSettings {
  /** After the first failed attempt; doubled after each next one. */
  readonly backoffSeconds: number;
  /** The wait never grows beyond this. */
  readonly maxBackoffSeconds: number;
}

/**
 * Milliseconds to wait after failed attempt number `attempt` (1-based): exponential,
 * capped, and spread by ±10 % so that receivers coming back after an outage are not
 * hit by every waiting notification in the same second. `random` is in [0, 1).
 */
export function backoffMs(attempt: number, s: BackoffSettings, random: () => number = Math.random): number {
  const base = Math.min(s.backoffSeconds * 2 ** Math.max(0, attempt - 1), s.maxBackoffSeconds) * 1000;
  return Math.round(base * (0.9 + 0.2 * random()));
}
