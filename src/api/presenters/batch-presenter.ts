import type { BatchJson } from "../../contracts/batch.js";
import { formatInstant } from "../../contracts/instant.js";
import type { BatchRow } from "../../domain/session-batches.js";

/** One element of `GET /batches`. */
export const toBatchJson = (r: BatchRow, owner: string): BatchJson => ({
  key: r.key,
  kind: r.kind,
  name: r.name,
  owner,
  submitted: formatInstant(r.firstCreatedAt),
  done: r.done,
  failed: r.failed,
  run: r.run,
  idle: r.idle,
  hold: r.hold,
  total: r.total,
  ...(r.setId !== null ? { setId: r.setId } : {}),
});
