/** One Server-Sent Event as a test sees it. */
export interface StreamEvent {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: string;
}

export interface OpenStream {
  readonly status: number;
  readonly contentType: string;
  /** Every event so far, in order (comments are counted in `comments`). */
  readonly events: StreamEvent[];
  readonly comments: string[];
  /** The first event after index `from` that satisfies `match`, waiting for it (generous deadline). */
  next(match: (e: StreamEvent) => boolean, o?: { from?: number; timeoutMs?: number }): Promise<StreamEvent>;
  /** Resolves when the server ended the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/** Opens `GET <base>/stream` with a real HTTP client (fetch) and parses the events as they come. */
export async function openStream(url: string, o: { token: string; lastEventId?: string }): Promise<OpenStream> {
  const abort = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${o.token}`, accept: "text/event-stream" };
  if (o.lastEventId !== undefined) headers["last-event-id"] = o.lastEventId;
  const r = await fetch(url, { headers, signal: abort.signal });
  const events: StreamEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => { for (const w of waiters) w(); };
  let ended = Promise.resolve();
  if (r.ok && r.body) {
    ended = (async () => {
      const decoder = new TextDecoder();
      let buffer = "";
      try {
        for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = { event: "message", id: undefined as string | undefined, data: [] as string[] };
            let isComment = true;
            for (const line of block.split("\n")) {
              if (line.startsWith(":")) { comments.push(line.slice(1).trim()); continue; }
              isComment = false;
              const colon = line.indexOf(":");
              const name = colon < 0 ? line : line.slice(0, colon);
              const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
              if (name === "event") fields.event = value;
              else if (name === "id") fields.id = value;
              else if (name === "data") fields.data.push(value);
            }
            if (!isComment) events.push({ event: fields.event, id: fields.id, data: fields.data.join("\n") });
            notify();
          }
        }
      } catch {
        // aborted by close()
      }
      notify();
    })();
  } else {
    await r.text();
  }
  let done = false;
  void ended.then(() => { done = true; });
  return {
    status: r.status,
    contentType: r.headers.get("content-type") ?? "",
    events,
    comments,
    ended,
    next(match, n = {}) {
      const from = n.from ?? 0;
      const timeoutMs = n.timeoutMs ?? 120_000;
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.slice(from).find(match);
          if (found) { waiters.delete(check); clearTimeout(t); resolve(found); return; }
          if (done) { waiters.delete(check); clearTimeout(t); reject(new Error("stream ended before the event came")); }
        };
        const t = setTimeout(() => { waiters.delete(check); reject(new Error(`no matching event within ${timeoutMs} ms; got ${events.map((e) => e.event).join(",")}`)); }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => abort.abort(),
  };
}

/** The session JSON of a `session` event. */
export const sessionOf = (e: StreamEvent): { id: string; status: string; userid: string } => JSON.parse(e.data) as { id: string; status: string; userid: string };
