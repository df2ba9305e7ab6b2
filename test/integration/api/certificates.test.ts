import { createPrivateKey } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { Agent, request as httpsRequest } from "node:https";
import { TLSSocket } from "node:tls";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair, issueCertificate, privateKeyPem } from "../../../src/identity/certificate-issuer.js";
import { OID_PPL_INHERIT_ALL } from "../../../src/identity/x509-certificate.js";
import type { SessionJson } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { createTestPki, type TestCredentials, type TestPki } from "../../support/test-pki.js";
import { makeDataDir, startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";
import { tlsRequest } from "../../support/tls-client.js";

let pki: TestPki;
let rogue: TestPki;
let t: TestServer;
let alice: TestCredentials;
let bob: TestCredentials;
let bobUser: TestUser;
let stranger: TestCredentials;
let impostor: TestCredentials;
let caFile: string;

beforeAll(async () => {
  const dir = makeDataDir("pki");
  pki = createTestPki(join(dir, "site"));
  rogue = createTestPki(join(dir, "rogue"), "/C=ca/O=hia/CN=skyrun test CA");
  alice = pki.user("alice", "/C=ca/O=hia/OU=cadc/CN=alice");
  bob = pki.user("bob", "/C=ca/O=hia/OU=cadc/CN=bob");
  stranger = pki.user("stranger", "/C=ca/O=hia/OU=cadc/CN=stranger");
  // Same subject and CA name as alice's, from a CA the server does not trust.
  impostor = rogue.user("alice", "/C=ca/O=hia/OU=cadc/CN=alice");
  t = await startTestServer({ tls: { clientCaFile: pki.caFile } });
  caFile = t.caFile!;
  await t.addUser("alice", { dn: "/C=ca/O=hia/OU=cadc/CN=alice" });
  bobUser = await t.addUser("bob", { dn: "CN=bob,OU=cadc,O=hia,C=ca" });
});
afterAll(async () => { await t.close(); });

const get = (path: string, o: { pemFile?: string; certFile?: string; keyFile?: string; token?: string }) => tlsRequest("GET", `${t.base()}${path}`, { caFile, ...o });

describe("HTTPS with client and proxy certificates (issue 3)", () => {
  it("serves HTTPS with a certificate that chains to the CA skyrun wrote in the data directory", () => {
    expect(t.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(caFile).toBe(join(t.dataDir, "tls", "ca.pem"));
    for (const key of ["ca-key.pem", "server-key.pem"]) expect(readFileSync(join(t.dataDir, "tls", key)).length).toBeGreaterThan(0);
  });

  it("accepts a cadc-get-cert style proxy file (curl -E) as the user whose DN it extends, and runs the job as that user", async () => {
    const created = await tlsRequest("POST", `${t.base()}/session`, { caFile, pemFile: alice.proxyFile, form: { name: "by-proxy", image: DEMO_IMAGE, cmd: "id" } });
    expect(created.status, created.text).toBe(200);
    const id = created.text.trim();
    const session = (await get(`/session/${id}`, { pemFile: alice.proxyFile })).json<SessionJson>();
    expect(session.userid).toBe("alice");
    const listed = (await get("/session", { pemFile: alice.proxyFile })).json<SessionJson[]>();
    expect(listed.map((s) => s.id)).toContain(id);
  });

  it("hides alice's session from bob's proxy on every path (404)", async () => {
    const id = (await tlsRequest("POST", `${t.base()}/session`, { caFile, pemFile: alice.proxyFile, form: { name: "hidden", image: DEMO_IMAGE, cmd: "sleep", args: "60" } })).text.trim();
    for (const [method, suffix] of [["GET", ""], ["GET", "?view=logs"], ["GET", "?view=events"], ["GET", "/stats"], ["POST", "?action=renew"], ["DELETE", ""]] as const) {
      const r = await tlsRequest(method, `${t.base()}/session/${id}${suffix}`, { caFile, pemFile: bob.proxyFile });
      expect(r.status, `${method} ${suffix}`).toBe(404);
    }
    expect((await tlsRequest("DELETE", `${t.base()}/session/${id}`, { caFile, pemFile: alice.proxyFile })).status).toBe(200);
  });

  it("accepts the plain user certificate and a proxy of a proxy", async () => {
    expect((await get("/session", { certFile: alice.certFile, keyFile: alice.keyFile })).status).toBe(200);
    expect((await get("/session", { pemFile: alice.delegate("alice-delegated") })).status).toBe(200);
  });

  it("maps a DN given in RFC 4514 order, and keeps users apart", async () => {
    const bobs = await get("/session", { pemFile: bob.proxyFile });
    expect(bobs.status).toBe(200);
    expect(bobs.json<SessionJson[]>().every((s) => s.userid === "bob")).toBe(true);
    expect(bobUser.user.dn).toBe("cn=bob,ou=cadc,o=hia,c=ca");
  });

  it.each([
    ["a certificate from an untrusted CA with the same names", () => ({ pemFile: impostor.proxyFile }), /not a CA this server trusts/],
    ["a certificate whose DN maps to no user", () => ({ pemFile: stranger.proxyFile }), /\/C=ca\/O=hia\/OU=cadc\/CN=stranger is not mapped to a skyrun user/],
    ["a proxy sent without the user certificate", () => ({ certFile: join(pki.dir, "alice.proxy.pem"), keyFile: join(pki.dir, "alice.proxy.key") }), /without the certificate that signed it/],
    ["nothing at all", () => ({}), /client certificate \(curl -E/],
  ])("refuses %s with 401 and the reason", async (_what, creds, reason) => {
    const r = await get("/session", creds());
    expect(r.status).toBe(401);
    expect(r.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(r.text).toMatch(reason);
  });

  it("refuses an expired proxy and a proxy whose subject is not its signer's, with the reason", async () => {
    const signer = { subject: "/C=ca/O=hia/OU=cadc/CN=alice", key: createPrivateKey(readFileSync(alice.keyFile)) };
    const userPem = readFileSync(alice.certFile, "utf8");
    const proxyFile = (name: string, subject: string, notAfter: Date) => {
      const { publicKey, privateKey } = generateKeyPair();
      const cert = issueCertificate({ subject, publicKey, issuer: signer, notBefore: new Date(Date.now() - 2 * 86_400_000), notAfter, proxy: { pathLength: undefined, policyLanguage: OID_PPL_INHERIT_ALL } });
      const file = join(pki.dir, `${name}.pem`);
      writeFileSync(file, cert + privateKeyPem(privateKey) + userPem);
      return file;
    };
    const expired = await get("/session", { pemFile: proxyFile("expired", "/C=ca/O=hia/OU=cadc/CN=alice/CN=1", new Date(Date.now() - 60_000)) });
    expect(expired.status).toBe(401);
    expect(expired.text).toMatch(/proxy certificate \/C=ca\/O=hia\/OU=cadc\/CN=alice\/CN=1 expired on/);
    const forged = await get("/session", { pemFile: proxyFile("forged", "/C=ca/O=hia/OU=cadc/CN=bob/CN=1", new Date(Date.now() + 86_400_000)) });
    expect(forged.status).toBe(401);
    expect(forged.text).toMatch(/must be its issuer's subject .* plus one CN/);
  });

  it("recognises a proxy on a resumed TLS session, which carries only the proxy certificate", async () => {
    const pem = readFileSync(alice.proxyFile, "utf8");
    const agent = new Agent({ ca: readFileSync(caFile), cert: pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/g)!.join(""), key: pem, maxCachedSessions: 4 });
    const once = () => new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
      const req = httpsRequest(`${t.base()}/session`, { agent, headers: { connection: "close" } }, (res) => {
        const reused = res.socket instanceof TLSSocket && res.socket.isSessionReused();
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, reused }));
      });
      req.on("error", reject);
      req.end();
    });
    expect(await once()).toEqual({ status: 200, reused: false });
    expect(await once()).toEqual({ status: 200, reused: true });
    agent.destroy();
  });

  it("still takes bearer tokens over HTTPS, and a token decides alone even beside a certificate", async () => {
    const carol = await t.addUser("carol");
    expect((await get("/session", { token: carol.token })).status).toBe(200);
    const bad = await get("/session", { token: "skyrun_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", pemFile: alice.proxyFile });
    expect(bad.status).toBe(401);
    expect(bad.text).toContain("Invalid token");
  });
});
