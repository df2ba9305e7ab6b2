import { readFileSync } from "node:fs";
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { gunzipSync, inflateSync } from "node:zlib";
import type { TestResponse } from "./http.js";

/** A request as a client put it on the wire: method, target, every header in order, body. */
export interface RawRequest {
  readonly method: string;
  /** Path and query exactly as sent, e.g. `/skaha/v1/session?name=a+b`. */
  readonly target: string;
  /** Every header in the order sent, `Host` and `Content-Length` included. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: string;
}

export interface RawConnection {
  /** Sends one request on this connection pool and reads the answer whole (gzip and deflate decoded). */
  send(r: RawRequest): Promise<TestResponse>;
  close(): void;
}

export interface RawConnectionOptions {
  /** `http://host:port` or `https://host:port`. */
  readonly origin: string;
  /** CA the server's certificate chains to (https). */
  readonly caFile?: string;
  /** PEM with client certificate(s) and key, as the Python clients load `~/.ssl/cadcproxy.pem`. */
  readonly pemFile?: string;
}

function splitPem(text: string): { cert: string; key: string } {
  const certs = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];
  const key = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----\n?/.exec(text)?.[0] ?? "";
  return { cert: certs.join(""), key };
}

function readAnswer(res: IncomingMessage): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("error", reject);
    res.on("end", () => {
      const raw = Buffer.concat(chunks);
      const encoding = res.headers["content-encoding"];
      const body = encoding === "gzip" ? gunzipSync(raw) : encoding === "deflate" ? inflateSync(raw) : raw;
      const text = body.toString("utf8");
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
      resolve({ status: res.statusCode ?? 0, headers, text, json: <T>() => JSON.parse(text) as T });
    });
  });
}

/**
 * A keep-alive connection pool, as httpx keeps one, that sends requests byte for byte
 * as given: Node adds no header of its own (not even Host).
 */
export function openRawConnection(o: RawConnectionOptions): RawConnection {
  const url = new URL(o.origin);
  const secure = url.protocol === "https:";
  const client = o.pemFile ? splitPem(readFileSync(o.pemFile, "utf8")) : {};
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, ...(o.caFile ? { ca: readFileSync(o.caFile) } : {}), ...client })
    : new HttpAgent({ keepAlive: true });
  const send = secure ? httpsRequest : httpRequest;
  return {
    send: (r) => new Promise((resolve, reject) => {
      const req = send({
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.target,
        headers: r.headers.flat(),
        setHost: false,
        agent,
      }, (res) => { readAnswer(res).then(resolve, reject); });
      req.on("error", reject);
      req.end(r.body);
    }),
    close: () => agent.destroy(),
  };
}
