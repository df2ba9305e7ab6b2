import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { freePort } from "./free-port.js";

/**
 * A real OIDC issuer on loopback that a browser logs in with: discovery, JWKS, an
 * authorization endpoint showing a sign-in page, and a token endpoint doing the
 * authorization-code exchange with PKCE (S256 only) for a public client, with CORS so a
 * single-page app can call it. Tokens are RS256 JWTs with `aud` = the client id.
 */
export interface OidcLoginIssuer {
  readonly issuer: string;
  /** Codes exchanged so far (each once). */
  readonly exchanges: number;
  stop(): Promise<void>;
}

interface PendingCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly challenge: string;
  readonly user: string;
}

const readBody = (req: IncomingMessage): Promise<string> => new Promise((resolve, reject) => {
  let s = "";
  req.on("data", (b: Buffer) => { s += b.toString(); });
  req.on("end", () => resolve(s));
  req.on("error", reject);
});

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startOidcLoginIssuer(o: { clientId: string; users: readonly string[] }): Promise<OidcLoginIssuer> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}/realms/skyrun`;
  const keys = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: "login-1", alg: "RS256", use: "sig" };
  const codes = new Map<string, PendingCode>();
  let exchanges = 0;

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json", "access-control-allow-origin": "*" });
    res.end(JSON.stringify(body));
  };

  const authorize = (res: ServerResponse, q: URLSearchParams) => {
    if (q.get("response_type") !== "code" || q.get("client_id") !== o.clientId || q.get("code_challenge_method") !== "S256" || !q.get("code_challenge") || !q.get("redirect_uri")) {
      res.writeHead(400, { "content-type": "text/plain" });
      res.end("bad authorization request");
      return;
    }
    const hidden = ["client_id", "redirect_uri", "state", "code_challenge"].map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(q.get(k) ?? "")}">`).join("");
    const options = o.users.map((u) => `<option>${escapeHtml(u)}</option>`).join("");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><title>Test identity provider</title><h1>Test identity provider</h1><form method="post" action="${issuer}/auth">${hidden}<label>User <select name="user">${options}</select></label> <button type="submit">Sign in</button></form></html>`);
  };

  const approve = async (req: IncomingMessage, res: ServerResponse) => {
    const f = new URLSearchParams(await readBody(req));
    const code = randomBytes(16).toString("hex");
    codes.set(code, { clientId: f.get("client_id") ?? "", redirectUri: f.get("redirect_uri") ?? "", challenge: f.get("code_challenge") ?? "", user: f.get("user") ?? "" });
    const back = new URL(f.get("redirect_uri") ?? "");
    back.searchParams.set("code", code);
    back.searchParams.set("state", f.get("state") ?? "");
    res.writeHead(302, { location: back.toString() });
    res.end();
  };

  const token = async (req: IncomingMessage, res: ServerResponse) => {
    const f = new URLSearchParams(await readBody(req));
    const pending = codes.get(f.get("code") ?? "");
    codes.delete(f.get("code") ?? "");
    const challenge = createHash("sha256").update(f.get("code_verifier") ?? "").digest("base64url");
    if (!pending || f.get("grant_type") !== "authorization_code" || pending.clientId !== f.get("client_id") || pending.redirectUri !== f.get("redirect_uri") || pending.challenge !== challenge) {
      json(res, 400, { error: "invalid_grant", error_description: "code, client, redirect or PKCE verifier does not match" });
      return;
    }
    exchanges++;
    const sign = (claims: Record<string, unknown>) => new SignJWT({ iss: issuer, aud: o.clientId, preferred_username: pending.user, ...claims })
      .setProtectedHeader({ alg: "RS256", kid: "login-1", typ: "JWT" }).setSubject(pending.user).setIssuedAt().setExpirationTime("10m").sign(keys.privateKey);
    json(res, 200, { token_type: "Bearer", expires_in: 600, id_token: await sign({}), access_token: await sign({ scope: "openid profile" }) });
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    const path = url.pathname.replace("/realms/skyrun", "");
    if (req.method === "OPTIONS") {
      res.writeHead(204, { "access-control-allow-origin": "*", "access-control-allow-methods": "GET, POST", "access-control-allow-headers": "content-type" });
      res.end();
    } else if (path === "/.well-known/openid-configuration") {
      json(res, 200, { issuer, jwks_uri: `${issuer}/certs`, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`, code_challenge_methods_supported: ["S256"], response_types_supported: ["code"] });
    } else if (path === "/certs") {
      json(res, 200, { keys: [jwk] });
    } else if (path === "/auth" && req.method === "GET") {
      authorize(res, url.searchParams);
    } else if (path === "/auth" && req.method === "POST") {
      void approve(req, res);
    } else if (path === "/token" && req.method === "POST") {
      void token(req, res);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    issuer,
    get exchanges() { return exchanges; },
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
