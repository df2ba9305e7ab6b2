import { createHash } from "node:crypto";
import { TLSSocket } from "node:tls";
import type { FastifyRequest } from "fastify";

/** Reads the client's certificate chain from a request's TLS connection. */
export type ClientCertificateReader = (request: FastifyRequest) => readonly Buffer[];

/** Chains remembered for resumed sessions; a bound on memory, far above the number of active users. */
const MAX_REMEMBERED = 10_000;

/** What getPeerCertificate(true) returns, as it is at run time: `{}` without a certificate, no issuer past the last link. */
interface PeerCertificate {
  readonly raw?: Buffer;
  readonly issuerCertificate?: PeerCertificate;
}

const fingerprint = (der: Buffer): string => createHash("sha256").update(der).digest("hex");

/**
 * The certificates the client presented, its own first, as DER; empty over plain HTTP
 * or when none was sent. The server asks for a certificate without letting OpenSSL
 * judge it (proxy certificates would fail there); `identity/` verifies the chain.
 *
 * A resumed TLS session carries only the client's own certificate, not the chain its
 * proxy needs. Resumption proves the client completed a full handshake with this
 * process before, presenting that same certificate, so the chain seen then is reused:
 * it is remembered by the leaf's fingerprint.
 */
export function createClientCertificateReader(): ClientCertificateReader {
  const perSocket = new WeakMap<TLSSocket, readonly Buffer[]>();
  const byLeaf = new Map<string, readonly Buffer[]>();
  const remember = (chain: readonly Buffer[]) => {
    const key = fingerprint(chain[0]!);
    byLeaf.delete(key);
    byLeaf.set(key, chain);
    if (byLeaf.size > MAX_REMEMBERED) byLeaf.delete(byLeaf.keys().next().value!);
  };
  return (request) => {
    const socket = request.raw.socket;
    if (!(socket instanceof TLSSocket)) return [];
    const cached = perSocket.get(socket);
    if (cached) return cached;
    let chain: Buffer[] = [];
    // Node links each certificate to its issuer among those sent (and the server's CAs); a root links to itself.
    const peer: PeerCertificate = socket.getPeerCertificate(true);
    for (let cert: PeerCertificate | undefined = peer; cert?.raw && chain.length < 16; cert = cert.issuerCertificate) {
      const raw = cert.raw;
      if (chain.some((c) => c.equals(raw))) break;
      chain.push(raw);
    }
    if (chain.length > 1) remember(chain);
    else if (chain.length === 1 && socket.isSessionReused()) chain = [...(byLeaf.get(fingerprint(chain[0]!)) ?? chain)];
    perSocket.set(socket, chain);
    return chain;
  };
}
