import { createServer, type Server } from "node:http";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from "jose";
import { freePort } from "./free-port.js";

/**
 * A real OIDC issuer on loopback: the discovery document and the JWKS over HTTP, and
 * tokens signed with a key it publishes (or, for tests, with one it does not).
 */
export interface OidcIssuer {
  readonly issuer: string;
  /** A signed JWT; `claims` override the defaults (iss, aud, exp in 10 minutes). */
  token(claims: JWTPayload, o?: { unpublishedKey?: boolean }): Promise<string>;
  /** How many times the JWKS was fetched. */
  readonly jwksFetches: number;
  stop(): Promise<void>;
}

export async function startOidcIssuer(audience: string): Promise<OidcIssuer> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}/realms/skyrun`;
  const published = await generateKeyPair("RS256");
  const unpublished = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(published.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  let jwksFetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.url === "/realms/skyrun/.well-known/openid-configuration") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/protocol/openid-connect/certs`, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token` }));
    } else if (req.url === "/realms/skyrun/protocol/openid-connect/certs") {
      jwksFetches++;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const sign = (claims: JWTPayload, key: CryptoKey, kid: string) => new SignJWT({ aud: audience, iss: issuer, ...claims })
    .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime(claims.exp ?? "10m")
    .sign(key);
  return {
    issuer,
    token: (claims, o = {}) => (o.unpublishedKey ? sign(claims, unpublished.privateKey, "k2") : sign(claims, published.privateKey, "k1")),
    get jwksFetches() { return jwksFetches; },
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
