import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../../src/client/index.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";
import { createTestPki, type TestCredentials, type TestPki } from "../../support/test-pki.js";
import { startTlsGateway, type TlsGateway } from "../../support/tls-gateway.js";

// Certificate authentication, as platform users do it (curl -E ~/.ssl/cadcproxy.pem),
// against skyrun's own HTTPS: it verifies the user or proxy chain itself. skyrun asks
// for a certificate but never refuses the handshake without one; a strict node:https
// front stands in only for servers that do, to test what the SDK then says.

let t: TestServer;
let secure: TestServer;
let alice: TestUser;
let pki: TestPki;
let aliceCert: TestCredentials;
/** A certificate and key from a CA nobody here trusts. */
let strangerPem: string;
let strict: TlsGateway;
let strict12: TlsGateway;

beforeAll(async () => {
  t = await startTestServer();
  alice = await t.addUser("alice", { uid: 20401 });
  pki = createTestPki();
  aliceCert = pki.user("alice", "/O=skyrun test/CN=alice");
  strangerPem = createTestPki(undefined, "/CN=stranger CA").user("stranger", "/CN=stranger").pemFile;
  secure = await startTestServer({ tls: { clientCaFile: pki.caFile } });
  await secure.addUser("alice", { uid: 20401, dn: "/O=skyrun test/CN=alice" });
  strict = await startTlsGateway({ pki, target: t.url, tokens: { alice: alice.token }, requireCertificate: true });
  strict12 = await startTlsGateway({ pki, target: t.url, tokens: { alice: alice.token }, requireCertificate: true, tls12Only: true });
});
afterAll(async () => {
  await strict.close();
  await strict12.close();
  await t.close();
  await secure.close();
});

describe("client certificates", () => {
  it("authenticates to skyrun with a proxy certificate file (certificate, key and chain in one PEM) and skyrun's CA", async () => {
    const c = createClient({ url: secure.url, certificate: aliceCert.proxyFile, caFile: secure.caFile! });
    const { ids } = await c.create({ name: "tls-job", image: DEMO_IMAGE, cmd: ["sh", "-c", "echo over tls; whoami; sleep 0.3; echo done"] });
    let text = "";
    for await (const chunk of c.followLogs(ids[0]!)) text += chunk;
    expect(text).toBe("over tls\nalice\ndone\n");
    expect((await c.info(ids[0]!)).status).toBe("Completed");
    expect((await c.info(ids[0]!)).userid).toBe("alice");
    await c.close();
  });

  it("authenticates to skyrun with a plain user certificate too", async () => {
    const c = createClient({ url: secure.url, certificate: aliceCert.pemFile, caFile: secure.caFile! });
    expect(Array.isArray(await c.list())).toBe(true);
    await c.close();
  });

  it("gets skyrun's 401 without a certificate, or with one from an unknown CA", async () => {
    const none = createClient({ url: secure.url, caFile: secure.caFile! });
    await expect(none.list()).rejects.toMatchObject({ name: "ApiError", status: 401, text: expect.stringContaining("client certificate") as unknown });
    await none.close();
    const stranger = createClient({ url: secure.url, certificate: strangerPem, caFile: secure.caFile! });
    await expect(stranger.list()).rejects.toMatchObject({ status: 401 });
    await stranger.close();
  });

  it("says the server's certificate is not trusted when its CA was not given", async () => {
    const c = createClient({ url: secure.url, certificate: aliceCert.proxyFile, retry: { retries: 0 } });
    await expect(c.list()).rejects.toMatchObject({ name: "TlsError", hint: "ca" });
    await c.close();
  });

  it("says the server wants a certificate when it refuses the handshake without one", async () => {
    const tls12 = createClient({ url: strict12.url, caFile: pki.caFile, retry: { retries: 0 } });
    await expect(tls12.list()).rejects.toMatchObject({ name: "TlsError", hint: "client-certificate" });
    await tls12.close();
    // TLS 1.3 servers close the connection after the handshake instead: the message says what it may mean.
    const tls13 = createClient({ url: strict.url, caFile: pki.caFile, retry: { retries: 0 } });
    await expect(tls13.list()).rejects.toMatchObject({ name: "ConnectionError", message: expect.stringContaining("may want a client certificate") as unknown });
    await tls13.close();
    const ok = createClient({ url: strict.url, certificate: aliceCert.pemFile, caFile: pki.caFile });
    expect(Array.isArray(await ok.list())).toBe(true);
    await ok.close();
  });

  it("reads a missing certificate file as a CredentialsError naming it, before any connection", () => {
    expect(() => createClient({ url: secure.url, certificate: `${pki.dir}/nope.pem` })).toThrow(expect.objectContaining({ name: "CredentialsError", path: `${pki.dir}/nope.pem` }) as Error);
    expect(() => createClient({ url: secure.url, certificate: pki.caFile })).toThrow(/holds no private key/);
  });
});
