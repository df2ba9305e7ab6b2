import { createPrivateKey } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { SignJWT } from "jose";
import { generateKeyPair, issueCertificate, privateKeyPem } from "../../src/identity/certificate-issuer.js";
import { pemCertificates } from "../../src/identity/x509-certificate.js";
import { freePort } from "./free-port.js";

/**
 * A registry token service as Harbor and Docker Hub run one (the distribution "token"
 * auth): `GET /token?service=…&scope=…` answers a JWT the registry trusts through its
 * root certificate. Anonymous callers get pull on `public/…` and the catalog; a caller
 * with the push credentials gets everything.
 */
export interface TokenServer {
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  /** The certificate the registry trusts (rootcertbundle). */
  readonly rootCertFile: string;
  /** How many tokens went to callers without credentials. */
  readonly anonymousTokens: number;
  stop(): Promise<void>;
}

export async function startTokenServer(dir: string, pusher: { username: string; password: string }): Promise<TokenServer> {
  const port = await freePort();
  const { publicKey, privateKey } = generateKeyPair();
  const certPem = issueCertificate({ subject: "/CN=skyrun test token signer", publicKey, selfKey: privateKey, notBefore: new Date(Date.now() - 3_600_000), notAfter: new Date(Date.now() + 86_400_000), ca: {}, keyUsage: ["digitalSignature", "keyCertSign"] });
  const rootCertFile = join(dir, "token-root.pem");
  writeFileSync(rootCertFile, certPem);
  const x5c = [pemCertificates(certPem)[0]!.toString("base64")];
  const key = createPrivateKey(privateKeyPem(privateKey));
  const service = "skyrun-test-registry";
  const issuer = "skyrun-test-token-issuer";
  let anonymousTokens = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://x");
      const basic = req.headers.authorization?.startsWith("Basic ") ? Buffer.from(req.headers.authorization.slice(6), "base64").toString() : undefined;
      const pushing = basic === `${pusher.username}:${pusher.password}`;
      if (!pushing) anonymousTokens++;
      const access = url.searchParams.getAll("scope").flatMap((scope) => {
        const [type, name, actions] = [scope.split(":")[0]!, scope.split(":").slice(1, -1).join(":"), scope.split(":").at(-1)!.split(",")];
        if (pushing) return [{ type, name, actions }];
        if (type === "registry" && name === "catalog") return [{ type, name, actions: ["*"] }];
        if (type === "repository" && name.startsWith("public/")) return [{ type, name, actions: actions.filter((a) => a === "pull") }];
        return [];
      });
      const token = await new SignJWT({ access })
        .setProtectedHeader({ alg: "ES256", typ: "JWT", x5c })
        .setIssuer(issuer).setAudience(service).setSubject(pushing ? pusher.username : "")
        .setIssuedAt().setNotBefore("-1m").setExpirationTime("5m").setJti(Math.random().toString(36).slice(2))
        .sign(key);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    rootCertFile,
    get anonymousTokens() { return anonymousTokens; },
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
