/**
 * An instant as skaha writes it on the wire: ISO 8601 in UTC to the second
 * (`2026-01-01T12:00:00Z`), as the platform's Kubernetes timestamps are.
 */
export const formatInstant = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z");
