/**
 * A parser of `text/event-stream` (the HTML standard's Server-Sent Events format) fed
 * with text as it arrives. EventSource itself cannot send an Authorization header, so
 * the dashboard reads the stream with fetch and parses it here.
 */
export interface StreamEvent {
  /** `message` when the server named none. */
  readonly event: string;
  readonly data: string;
  /** The last `id:` seen so far (the standard's last event ID), or undefined. */
  readonly id: string | undefined;
}

export interface EventStreamParser {
  /** Feeds text; returns the events it completed. */
  push(text: string): StreamEvent[];
  /** The last event id seen, for `Last-Event-ID` on reconnection. */
  readonly lastEventId: string | undefined;
}

export function createEventStreamParser(lastEventId?: string): EventStreamParser {
  let buffer = "";
  let skipLineFeed = false;
  let id = lastEventId;
  let event = "";
  let data: string[] = [];
  const line = (l: string, out: StreamEvent[]) => {
    if (l === "") {
      if (data.length > 0) out.push({ event: event || "message", data: data.join("\n"), id });
      event = "";
      data = [];
      return;
    }
    if (l.startsWith(":")) return;
    const colon = l.indexOf(":");
    const field = colon < 0 ? l : l.slice(0, colon);
    let value = colon < 0 ? "" : l.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id" && !value.includes("\0")) id = value;
  };
  return {
    push(chunk) {
      // A chunk ending in \r may be the first half of \r\n: its \n, when it comes, ends no line.
      const text = skipLineFeed && chunk.startsWith("\n") ? chunk.slice(1) : chunk;
      skipLineFeed = text.endsWith("\r");
      buffer += text;
      const out: StreamEvent[] = [];
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop() ?? "";
      for (const l of lines) line(l, out);
      return out;
    },
    get lastEventId() { return id; },
  };
}
