import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/** What the proxy does to a request, decided per request. */
export type Fault = "forward" | "answer-503" | "drop-after-request";

export interface FaultProxy {
  readonly url: string;
  /** Every request that arrived: method, path, headers and what was done with it. */
  readonly log: { method: string; path: string; fault: Fault; headers: IncomingMessage["headers"] }[];
  /** Cuts every answer still being sent (a long-lived stream, a followed log) as a dropped connection would; returns how many. */
  cutOpen(): number;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** A real skyrun's base URL, e.g. http://127.0.0.1:1234. */
  readonly target: string;
  /** Decides the fault for each request (the n-th request overall is `index`). Default: forward all. */
  readonly fault?: (req: IncomingMessage, index: number) => Fault;
  /** Remove skyrun's `x-skyrun-version` header, so the server looks like the platform's skaha. */
  readonly hideSkyrun?: boolean;
  /** Listen on this port (default: a free one). */
  readonly port?: number;
}

/**
 * A fault-injecting HTTP proxy in front of a real skyrun: it forwards requests unchanged,
 * except those it is told to answer with 503 or to drop (connection closed after the
 * request was read, before skyrun saw it) — faults a healthy server does not produce on
 * demand. With `hideSkyrun` it makes skyrun look like the platform to a client.
 */
export async function startFaultProxy(o: FaultProxyOptions): Promise<FaultProxy> {
  const log: FaultProxy["log"] = [];
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    open.add(res);
    res.on("close", () => open.delete(res));
    const fault = o.fault?.(req, log.length) ?? "forward";
    log.push({ method: req.method ?? "", path: req.url ?? "", fault, headers: req.headers });
    if (fault === "answer-503") {
      req.resume();
      res.writeHead(503, { "content-type": "text/plain", "retry-after": "0" }).end("temporarily unavailable (injected)\n");
      return;
    }
    if (fault === "drop-after-request") {
      req.resume();
      req.on("end", () => req.socket.destroy());
      return;
    }
    const upstream = httpRequest(`${o.target}${req.url ?? "/"}`, { method: req.method, headers: { ...req.headers, host: new URL(o.target).host } }, (up) => {
      const headers = { ...up.headers };
      if (o.hideSkyrun) delete headers["x-skyrun-version"];
      res.writeHead(up.statusCode ?? 502, headers);
      up.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    cutOpen() {
      const n = open.size;
      for (const res of open) res.socket?.destroy();
      return n;
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
