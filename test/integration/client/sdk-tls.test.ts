import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../../src/client/index.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";
import { makeTestPki, startTlsGateway, type TestPki, type TlsGateway } from "../../support/tls-gateway.js";

// Certificate authentication, as platform users do it (curl -E ~/.ssl/cadcproxy.pem).
// Until skyrun's own HTTPS is merged, a node:https front checks the presented user or
// proxy certificate against a test CA and forwards to a real skyrun.

let t: TestServer;
let alice: TestUser;
let pki: TestPki;
let gateway: TlsGateway;
let strict: TlsGateway;
let strict12: TlsGateway;

beforeAll(async () => {
  t = await startTestServer();
  alice = await t.addUser("alice", { uid: 20401 });
  pki = makeTestPki("alice");
  gateway = await startTlsGateway({ pki, target: t.url, tokens: { alice: alice.token } });
  strict = await startTlsGateway({ pki, target: t.url, tokens: { alice: alice.token }, requireCertificate: true });
  strict12 = await startTlsGateway({ pki, target: t.url, tokens: { alice: alice.token }, requireCertificate: true, tls12Only: true });
});
afterAll(async () => {
  await gateway.close();
  await strict.close();
  await strict12.close();
  await t.close();
});

describe("client certificates", () => {
  it("authenticates with a proxy certificate file (certificate, key and chain in one PEM) and a private CA", async () => {
    const c = createClient({ url: gateway.url, certificate: pki.proxyPem, caFile: pki.caCert });
    const { ids } = await c.create({ name: "tls-job", image: DEMO_IMAGE, cmd: ["sh", "-c", "echo over tls; sleep 0.3; echo done"] });
    let text = "";
    for await (const chunk of c.followLogs(ids[0]!)) text += chunk;
    expect(text).toBe("over tls\ndone\n");
    expect((await c.info(ids[0]!)).status).toBe("Completed");
    expect(gateway.seen.every((s) => s.identity === "alice")).toBe(true);
    await c.close();
  });

  it("authenticates with a plain user certificate too", async () => {
    const c = createClient({ url: gateway.url, certificate: pki.userPem, caFile: pki.caCert });
    expect(Array.isArray(await c.list())).toBe(true);
    await c.close();
  });

  it("gets the server's 401 without a certificate, or with one from an unknown CA", async () => {
    const none = createClient({ url: gateway.url, caFile: pki.caCert });
    await expect(none.list()).rejects.toMatchObject({ name: "ApiError", status: 401, text: expect.stringContaining("client certificate") as unknown });
    await none.close();
    const stranger = createClient({ url: gateway.url, certificate: pki.strangerPem, caFile: pki.caCert });
    await expect(stranger.list()).rejects.toMatchObject({ status: 401 });
    await stranger.close();
  });

  it("says the server's certificate is not trusted when its CA was not given", async () => {
    const c = createClient({ url: gateway.url, certificate: pki.proxyPem, retry: { retries: 0 } });
    await expect(c.list()).rejects.toMatchObject({ name: "TlsError", hint: "ca" });
    await c.close();
  });

  it("says the server wants a certificate when it refuses the handshake without one", async () => {
    const tls12 = createClient({ url: strict12.url, caFile: pki.caCert, retry: { retries: 0 } });
    await expect(tls12.list()).rejects.toMatchObject({ name: "TlsError", hint: "client-certificate" });
    await tls12.close();
    // TLS 1.3 servers close the connection after the handshake instead: the message says what it may mean.
    const tls13 = createClient({ url: strict.url, caFile: pki.caCert, retry: { retries: 0 } });
    await expect(tls13.list()).rejects.toMatchObject({ name: "ConnectionError", message: expect.stringContaining("may want a client certificate") as unknown });
    await tls13.close();
    const ok = createClient({ url: strict.url, certificate: pki.userPem, caFile: pki.caCert });
    expect(Array.isArray(await ok.list())).toBe(true);
    await ok.close();
  });

  it("reads a missing certificate file as a CredentialsError naming it, before any connection", () => {
    expect(() => createClient({ url: gateway.url, certificate: `${pki.dir}/nope.pem` })).toThrow(expect.objectContaining({ name: "CredentialsError", path: `${pki.dir}/nope.pem` }) as Error);
    expect(() => createClient({ url: gateway.url, certificate: pki.caCert })).toThrow(/holds no private key/);
  });
});
