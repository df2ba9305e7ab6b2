/**
 * Answers for requests that never reach a route (issue 11): a request Node cannot
 * parse, one whose headers are too large, CONNECT, and methods the API does not use.
 * Every one gets a text/plain status line and sentence, instead of a dropped
 * connection or Fastify's JSON.
 */
import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { REQUEST_LIMITS, describeBytes } from "./request-limits.js";

/** The methods skyrun's routes answer (HEAD with GET). */
export const ALLOWED_METHODS = ["GET", "HEAD", "POST", "DELETE"] as const;
export const ALLOW_HEADER = ALLOWED_METHODS.join(", ");

export const methodNotAllowed = (method: string): string =>
  `Method ${/^[A-Za-z-]{1,20}$/.test(method) ? method : "?"} is not allowed: skyrun answers ${ALLOWED_METHODS.join(", ")}.\n`;

/** Writes a whole HTTP/1.1 answer on a raw socket and closes it. */
function answer(socket: Duplex, status: number, body: string, headers: Record<string, string> = {}): void {
  if (socket.destroyed || !socket.writable) return;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}`,
    "Content-Type: text/plain; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
    "X-Content-Type-Options: nosniff",
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${lines.join("\r\n")}\r\n\r\n${body}`);
}

/** A request line that starts with a method-like token, so the method alone was refused. */
const startsWithToken = (raw: unknown): boolean => Buffer.isBuffer(raw) && /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32} \S/.test(raw.subarray(0, 64).toString("latin1"));

/**
 * Fastify's `clientErrorHandler`: answers what Node's HTTP parser refused.
 * Never throws; a reset connection gets nothing.
 */
export function clientErrorHandler(err: Error & { code?: string; rawPacket?: unknown }, socket: Duplex): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  switch (err.code) {
    case "HPE_HEADER_OVERFLOW":
      answer(socket, 431, `Request headers too large: the request line and headers together may take at most ${describeBytes(REQUEST_LIMITS.headerBytes)}.\n`);
      return;
    case "ERR_HTTP_REQUEST_TIMEOUT":
      answer(socket, 408, "The request took too long to arrive.\n");
      return;
    case "HPE_INVALID_METHOD":
      if (startsWithToken(err.rawPacket)) {
        answer(socket, 405, `Method not allowed: skyrun answers ${ALLOWED_METHODS.join(", ")}.\n`, { Allow: ALLOW_HEADER });
        return;
      }
      break;
    default:
      break;
  }
  answer(socket, 400, "Bad request: this is not an HTTP/1.1 request skyrun can read.\n");
}

/** The server's `connect` listener: skyrun is not a proxy, and says so instead of dropping the connection. */
export function refuseConnect(_request: IncomingMessage, socket: Duplex): void {
  answer(socket, 405, methodNotAllowed("CONNECT"), { Allow: ALLOW_HEADER });
}

/** A Host header as RFC 9110 allows it here: a DNS name, IPv4 or [IPv6] address, and an optional port. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** True when the Host header is absent (HTTP/1.0) or a valid host[:port]. */
export function isValidHost(host: string | undefined): boolean {
  if (host === undefined) return true;
  if (host.length > 260 || !HOST.test(host)) return false;
  const port = /:(\d+)$/.exec(host.startsWith("[") ? host.slice(host.indexOf("]")) : host)?.[1];
  return port === undefined || Number(port) <= 65535;
}
