import { LRUCache } from "lru-cache";
import type { ApiVersion } from "../../contracts/api-version.js";
import type { Job } from "../../domain/job.js";
import { toSessionJson, type SessionJsonOptions } from "./session-presenter.js";

/** Bytes of JSON kept per API version: several thousand sessions (about 1 KB each). */
const MAX_BYTES = 8 * 1024 * 1024;

interface Kept {
  /** What the text was made from: the job's change number and its live parts. */
  readonly from: string;
  /** The JSON, encoded: a listing is then one copy of bytes, with no string to flatten and encode. */
  readonly bytes: Buffer;
}

const OPEN = Buffer.from("[");
const COMMA = Buffer.from(",");
const CLOSE = Buffer.from("]");

/**
 * The JSON text of sessions as a listing shows them, kept until the session changes.
 * A listing is read far more often than its sessions change (a script polls its 300
 * jobs every few seconds; a few of them move), and presenting and serialising each
 * session was most of a listing's CPU. A text is made again when the job's change
 * number moves, or what is live beside the store does: the usage a running session
 * shows, the scheduler's explanation of a waiting one (its reason and queue position).
 */
export class SessionJsonTexts {
  private readonly kept = new LRUCache<string, Kept>({ maxSize: MAX_BYTES, sizeCalculation: (k) => k.bytes.length + k.from.length });

  constructor(private readonly version: ApiVersion) {}

  /** The JSON array of the sessions, as `JSON.stringify` of their `toSessionJson` would give. */
  arrayOf(sessions: readonly { readonly job: Job; readonly live: Live }[]): Buffer {
    const parts: Buffer[] = [OPEN];
    for (let i = 0; i < sessions.length; i++) {
      if (i > 0) parts.push(COMMA);
      parts.push(this.bytesOf(sessions[i]!.job, sessions[i]!.live));
    }
    parts.push(CLOSE);
    return Buffer.concat(parts);
  }

  /** One session's JSON, made once per change. */
  private bytesOf(job: Job, live: Live): Buffer {
    const from = sourceOf(job, live);
    const kept = this.kept.get(job.id);
    if (kept?.from === from) return kept.bytes;
    const bytes = Buffer.from(JSON.stringify(toSessionJson(job, this.version, live)));
    this.kept.set(job.id, { from, bytes });
    return bytes;
  }
}

type Live = Pick<SessionJsonOptions, "usage" | "waiting">;

function sourceOf(job: Job, { usage, waiting }: Live): string {
  const shown = usage && job.state === "running" ? `${usage.cpuCores}/${usage.ramBytes}` : "";
  const why = waiting ? `${waiting.position}/${waiting.positionLimit}/${JSON.stringify(waiting.reason)}` : "";
  return `${job.updatedSeq}|${shown}|${why}`;
}
