import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import { TLSSocket, type DetailedPeerCertificate } from "node:tls";
import type { TestPki } from "./test-pki.js";

export interface TlsGateway {
  readonly url: string;
  /** How many requests arrived, and with which verified identity (undefined: none). */
  readonly seen: { identity: string | undefined; path: string }[];
  close(): Promise<void>;
}

export interface TlsGatewayOptions {
  /** Its CA verifies client certificates, and its server certificate is the gateway's. */
  readonly pki: TestPki;
  /** Where to forward: a real skyrun's base URL, e.g. http://127.0.0.1:1234. */
  readonly target: string;
  /** API token to forward for each verified user name. */
  readonly tokens: Readonly<Record<string, string>>;
  /**
   * Refuse the TLS handshake without a certificate from our CA (instead of answering 401).
   * OpenSSL then accepts only plain user certificates: it rejects proxy certificates
   * unless told to allow them (X509_V_FLAG_ALLOW_PROXY_CERTS), which Node does not.
   */
  readonly requireCertificate?: boolean;
  /** Remove skyrun's `x-skyrun-version` header, so the gateway looks like the platform. */
  readonly hideSkyrun?: boolean;
  /** Speak TLS 1.2 at most: a refused handshake then arrives as an alert the client can name. */
  readonly tls12Only?: boolean;
}

/**
 * The user name a presented chain proves: the leaf is either a user certificate signed by
 * the CA, or a proxy certificate signed by such a user certificate (checked by signature,
 * issuer and dates). Undefined when the chain proves nothing.
 */
function verifiedUser(socket: TLSSocket, ca: X509Certificate, resumable: Map<string, string>): string | undefined {
  const peer = socket.getPeerCertificate(true);
  // Without a client certificate Node answers {} despite its types.
  if ((peer.raw as Buffer | undefined) === undefined) return undefined;
  // A resumed TLS session carries the leaf but not the chain: it was verified at the full handshake.
  if (socket.isSessionReused()) return resumable.get(peer.fingerprint256);
  const user = chainUser(peer, ca);
  if (user !== undefined) resumable.set(peer.fingerprint256, user);
  return user;
}

function chainUser(peer: DetailedPeerCertificate, ca: X509Certificate): string | undefined {
  const now = Date.now();
  const valid = (c: X509Certificate) => Date.parse(c.validFrom) <= now && now <= Date.parse(c.validTo);
  const leaf = new X509Certificate(peer.raw);
  const cn = (c: X509Certificate) => /CN=([^\n]+)/.exec(c.subject)?.[1];
  if (leaf.checkIssued(ca) && leaf.verify(ca.publicKey) && valid(leaf)) return cn(leaf);
  // Node fills issuerCertificate only when it can find the issuer in the presented chain.
  const issuerRaw = (peer.issuerCertificate as typeof peer.issuerCertificate | undefined)?.raw as Buffer | undefined;
  if (!issuerRaw || issuerRaw.equals(peer.raw)) return undefined;
  const user = new X509Certificate(issuerRaw);
  const isProxy = leaf.checkIssued(user) && leaf.verify(user.publicKey) && leaf.subject.startsWith(user.subject);
  return isProxy && user.checkIssued(ca) && user.verify(ca.publicKey) && valid(leaf) && valid(user) ? cn(user) : undefined;
}

/**
 * An HTTPS front for a real skyrun that authenticates users by client certificate (a
 * user or proxy certificate, as the platform does) and forwards to skyrun with the
 * user's API token. Stands in for skyrun's own HTTPS until that is merged; responses,
 * including streamed logs, are skyrun's own.
 */
export async function startTlsGateway(o: TlsGatewayOptions): Promise<TlsGateway> {
  const ca = new X509Certificate(readFileSync(o.pki.caFile));
  const own = o.pki.server();
  const resumable = new Map<string, string>();
  const seen: { identity: string | undefined; path: string }[] = [];
  const server: Server = createServer({
    key: readFileSync(own.keyFile),
    cert: readFileSync(own.certFile),
    ca: readFileSync(o.pki.caFile),
    requestCert: true,
    rejectUnauthorized: o.requireCertificate === true,
    ...(o.tls12Only ? { maxVersion: "TLSv1.2" as const } : {}),
  }, (req: IncomingMessage, res: ServerResponse) => {
    const identity = req.socket instanceof TLSSocket ? verifiedUser(req.socket, ca, resumable) : undefined;
    seen.push({ identity, path: req.url ?? "" });
    const token = identity === undefined ? undefined : o.tokens[identity];
    if (token === undefined) {
      res.writeHead(401, { "content-type": "text/plain" }).end("A valid client certificate (user or proxy certificate) is required.\n");
      return;
    }
    const headers = { ...req.headers, authorization: `Bearer ${token}`, host: new URL(o.target).host };
    const upstream = httpRequest(`${o.target}${req.url ?? "/"}`, { method: req.method, headers }, (up) => {
      const out = { ...up.headers };
      if (o.hideSkyrun) delete out["x-skyrun-version"];
      res.writeHead(up.statusCode ?? 502, out);
      up.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `https://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
