/**
 * The one live stream of the dashboard: `GET /skaha/v1/stream` (Server-Sent Events),
 * read with fetch so the bearer token can go along. A dropped connection is resumed
 * with `Last-Event-ID`, so the server replays what was missed (or sends `reset`, and the
 * views reload). A server without the stream (404) is polled instead, every few seconds,
 * until it has one.
 */
import { authHeaders, call, isMissingEndpoint, API_BASE, AuthRequiredError } from "./api-client.js";
import { createEventStreamParser } from "./event-stream-parser.js";
import type { PlatformStatsJson, Session } from "./extension-types.js";

export type LiveState = "connecting" | "live" | "reconnecting" | "polling" | "stopped";

export interface LiveHandlers {
  session(s: Session): void;
  stats(s: PlatformStatsJson): void;
  /** Too much was missed to replay, or the server has no stream: views reload what they show. */
  reload(): void;
  state(s: LiveState): void;
}

export interface LiveStream {
  close(): void;
}

const POLL_MS = 5000;
const MAX_BACKOFF_MS = 15_000;

/** Opens the stream; `all`: administrators' everyone's changes. */
export function openLiveStream(h: LiveHandlers, o: { all: boolean }): LiveStream {
  const stop = new AbortController();
  /** A function, not a property read: the flag changes while this code awaits. */
  const stopped = (): boolean => stop.signal.aborted;
  let lastEventId: string | undefined;
  const wait = (ms: number) => new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    stop.signal.addEventListener("abort", () => { clearTimeout(t); resolve(); }, { once: true });
  });

  const poll = async () => {
    h.state("polling");
    while (!stopped()) {
      await wait(POLL_MS);
      if (stopped()) return;
      try {
        h.stats(await (await call("session", { query: { view: "stats" } })).json() as PlatformStatsJson);
      } catch {
        // The next tick tries again; a 401 has already shown the login form.
      }
      h.reload();
    }
  };

  const readOnce = async (): Promise<"ended" | "missing"> => {
    const headers: Record<string, string> = { accept: "text/event-stream", ...authHeaders() };
    if (lastEventId !== undefined) headers["last-event-id"] = lastEventId;
    const r = await fetch(`${API_BASE}/stream${o.all ? "?all=true" : ""}`, { headers, signal: stop.signal, cache: "no-store" });
    if (r.status === 404 || r.status === 405) return "missing";
    if (r.status === 401) throw new AuthRequiredError(401, (await r.text()).trim());
    if (!r.ok || !r.body || !(r.headers.get("content-type") ?? "").startsWith("text/event-stream")) throw new Error(`stream: ${r.status}`);
    h.state("live");
    const parser = createEventStreamParser(lastEventId);
    const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return "ended";
      for (const e of parser.push(value)) {
        lastEventId = parser.lastEventId;
        if (e.event === "session") h.session(JSON.parse(e.data) as Session);
        else if (e.event === "stats") h.stats(JSON.parse(e.data) as PlatformStatsJson);
        else if (e.event === "reset") h.reload();
      }
    }
  };

  const run = async () => {
    let backoffMs = 1000;
    h.state("connecting");
    while (!stopped()) {
      try {
        if ((await readOnce()) === "missing") return await poll();
        backoffMs = 1000;
      } catch (e) {
        if (stopped()) return;
        if (e instanceof AuthRequiredError) {
          // The credentials stopped working: asking again through the client shows the login form.
          await call("dashboard/me").catch(() => undefined);
          h.state("stopped");
          return;
        }
        if (isMissingEndpoint(e)) return await poll();
      }
      if (stopped()) return;
      h.state("reconnecting");
      await wait(backoffMs);
      backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    }
  };
  void run();
  return {
    close() {
      stop.abort();
      h.state("stopped");
    },
  };
}
