import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { waitUntil } from "./http.js";

/** One request the receiver got, whole. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw body, exactly as sent (signatures are over these bytes). */
  readonly body: string;
  readonly atMs: number;
  /** The status the receiver answered (undefined while held or when it never answered). */
  status?: number;
}

/** How the receiver answers a request: a status, a redirect, or never (hold the connection). */
export type Answer = { readonly status: number; readonly location?: string } | "hold";

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Decides each answer; the default answers 204. Replace it at any time. */
  answer: (r: ReceivedRequest, countForPath: number) => Answer;
  /** Requests to paths starting with `prefix`. */
  to(prefix: string): ReceivedRequest[];
  /** Waits until `count` requests to `prefix` have arrived, and returns them. */
  waitFor(prefix: string, count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/**
 * A real HTTP server on loopback that plays a notification receiver: it records every
 * request with its raw body and answers as the test says (failures, redirects, silence).
 */
export async function startWebhookReceiver(port = 0): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const held = new Set<ServerResponse>();
  const receiver: WebhookReceiver = {
    url: "",
    requests,
    answer: () => ({ status: 204 }),
    to: (prefix) => requests.filter((r) => r.path.startsWith(prefix)),
    waitFor: (prefix, count, timeoutMs = 60_000) => waitUntil(`${count} request(s) to ${prefix}`, async () => {
      const got = receiver.to(prefix);
      return got.length >= count ? got : undefined;
    }, timeoutMs),
    close: () => new Promise<void>((resolve) => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: ReceivedRequest = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), atMs: Date.now() };
      requests.push(r);
      const a = receiver.answer(r, receiver.to(r.path).length);
      if (a === "hold") {
        held.add(res);
        res.on("close", () => held.delete(res));
        return;
      }
      r.status = a.status;
      res.writeHead(a.status, a.location ? { location: a.location } : {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  Object.assign(receiver, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  return receiver;
}
