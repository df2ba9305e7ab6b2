import { AbortedError } from "./client-error.js";
import { abortablePause } from "./abortable-pause.js";
import { isDoneStatus } from "../contracts/session.js";

/** The last `lines` lines of a text (a trailing newline does not count as a line). */
export function lastLines(text: string, lines: number): string {
  if (lines <= 0) return "";
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  if (body === "") return text;
  const parts = body.split("\n");
  return parts.length <= lines ? text : parts.slice(-lines).join("\n") + (text.endsWith("\n") ? "\n" : "");
}

/** Decodes a byte stream as UTF-8 text chunks, never splitting a character. */
export async function* decodeChunks(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== "") yield text;
  }
  const rest = decoder.decode();
  if (rest !== "") yield rest;
}

/** What polling needs from the server: a full log snapshot and the session's status. */
export interface LogSnapshotSource {
  logs(signal: AbortSignal | undefined): Promise<string>;
  status(signal: AbortSignal | undefined): Promise<string>;
}

export interface PollOptions {
  readonly tail?: number | undefined;
  /** Wait between two snapshots, in ms. @defaultValue 2000 */
  readonly pollIntervalMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Follows a log on a server that has no follow mode (the platform answers the whole log
 * each time): polls, yields only the bytes not yet seen, and stops once the session is
 * done, after one last read. The status is read before the log, so a log read after
 * "done" is known to be complete.
 */
export async function* pollLogs(source: LogSnapshotSource, o: PollOptions = {}): AsyncGenerator<string> {
  let seen: string | undefined;
  for (;;) {
    if (o.signal?.aborted) return;
    let status: string;
    let text: string;
    try {
      status = await source.status(o.signal);
      text = await source.logs(o.signal);
    } catch (e) {
      if (e instanceof AbortedError) return;
      throw e;
    }
    if (seen === undefined) {
      const first = o.tail === undefined ? text : lastLines(text, o.tail);
      if (first !== "") yield first;
    } else if (text.startsWith(seen)) {
      if (text.length > seen.length) yield text.slice(seen.length);
    } else if (text !== "") {
      // The log was replaced (the run restarted): show it from its start.
      yield text;
    }
    seen = text;
    if (isDoneStatus(status)) return;
    await abortablePause(o.pollIntervalMs ?? 2000, o.signal);
  }
}
