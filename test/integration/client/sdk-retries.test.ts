import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../../src/client/index.js";
import { startFaultProxy, type Fault, type FaultProxy } from "../../support/fault-proxy.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { freePort } from "../../support/free-port.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

// Faults a healthy skyrun does not produce on demand (503s, a connection dropped after the
// request was sent, a server not yet listening) come from a fault-injecting proxy in
// front of a real skyrun. What succeeds is skyrun's own answer.

let t: TestServer;
let alice: TestUser;
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  t = await startTestServer();
  alice = await t.addUser("alice", { uid: 20301 });
});
afterAll(async () => {
  for (const p of proxies) await p.close();
  await t.close();
});

const quickRetry = { retries: 3, minDelayMs: 20, maxDelayMs: 100 };

async function proxyWith(fault: (method: string, path: string, index: number) => Fault, port?: number): Promise<FaultProxy> {
  const p = await startFaultProxy({ target: t.url, fault: (req, i) => fault(req.method ?? "", req.url ?? "", i), ...(port ? { port } : {}) });
  proxies.push(p);
  return p;
}

async function sessionCount(): Promise<number> {
  const direct = createClient({ url: t.url, token: alice.token });
  try {
    return (await direct.list()).length;
  } finally {
    await direct.close();
  }
}

describe("retries", () => {
  it("retries a GET after 503s and returns the server's answer", async () => {
    let injected = 0;
    const p = await proxyWith((method) => (method === "GET" && injected++ < 2 ? "answer-503" : "forward"));
    const c = createClient({ url: p.url, token: alice.token, retry: quickRetry });
    expect(await c.list()).toEqual([]);
    expect(p.log.map((x) => x.fault)).toEqual(["answer-503", "answer-503", "forward"]);
    await c.close();
  });

  it("gives up after the policy's attempts with the server's 503", async () => {
    const p = await proxyWith(() => "answer-503");
    const c = createClient({ url: p.url, token: alice.token, retry: { retries: 2, minDelayMs: 10 } });
    await expect(c.context()).rejects.toMatchObject({ name: "ApiError", status: 503, text: "temporarily unavailable (injected)" });
    expect(p.log).toHaveLength(3);
    await c.close();
  });

  it("retries creating a session after a 503 (nothing was created) and creates it exactly once", async () => {
    const before = await sessionCount();
    let injected = 0;
    const p = await proxyWith((method) => (method === "POST" && injected++ < 1 ? "answer-503" : "forward"));
    const c = createClient({ url: p.url, token: alice.token, retry: quickRetry, server: "skyrun" });
    const { ids } = await c.create({ name: "once", image: DEMO_IMAGE, cmd: ["true"] });
    expect(ids).toHaveLength(1);
    expect(p.log.filter((x) => x.method === "POST").map((x) => x.fault)).toEqual(["answer-503", "forward"]);
    expect(await sessionCount()).toBe(before + 1);
    await c.close();
  });

  it("never resends a creation whose connection broke after sending: the caller learns, nothing is duplicated", async () => {
    const before = await sessionCount();
    const p = await proxyWith((method) => (method === "POST" ? "drop-after-request" : "forward"));
    const c = createClient({ url: p.url, token: alice.token, retry: quickRetry, server: "skyrun" });
    await expect(c.create({ name: "dropped", image: DEMO_IMAGE, cmd: ["true"] })).rejects.toMatchObject({ name: "ConnectionError", beforeSending: false });
    expect(p.log.filter((x) => x.method === "POST")).toHaveLength(1);
    expect(await sessionCount()).toBe(before);
    await c.close();
  });

  it("resends a GET whose connection broke", async () => {
    let dropped = 0;
    const p = await proxyWith((method) => (method === "GET" && dropped++ < 1 ? "drop-after-request" : "forward"));
    const c = createClient({ url: p.url, token: alice.token, retry: quickRetry });
    expect((await c.context()).cores.options).toContain(1);
    expect(p.log.map((x) => x.fault)).toEqual(["drop-after-request", "forward"]);
    await c.close();
  });

  it("resends a creation refused before sending (the server was not listening yet)", async () => {
    const port = await freePort({ from: "kernel" });
    const c = createClient({ url: `http://127.0.0.1:${port}`, token: alice.token, retry: { retries: 6, minDelayMs: 150, maxDelayMs: 400 }, server: "skyrun" });
    const creating = c.create({ name: "late", image: DEMO_IMAGE, cmd: ["true"] });
    await new Promise((r) => setTimeout(r, 300));
    const p = await proxyWith(() => "forward", port);
    const { ids } = await creating;
    expect(ids).toHaveLength(1);
    expect(p.log.filter((x) => x.method === "POST")).toHaveLength(1);
    await c.close();
  });
});

describe("registry credentials", () => {
  it("sends x-skaha-registry-auth as base64 of username:secret with the creation", async () => {
    const p = await proxyWith(() => "forward");
    const c = createClient({ url: p.url, token: alice.token, registryAuth: { username: "alice", secret: "cli:secret" } });
    const { ids } = await c.create({ name: "private", image: DEMO_IMAGE, cmd: ["true"] });
    expect(ids).toHaveLength(1);
    const post = p.log.find((x) => x.method === "POST")!;
    expect(Buffer.from(String(post.headers["x-skaha-registry-auth"]), "base64").toString()).toBe("alice:cli:secret");
    expect(p.log.filter((x) => x.method === "GET").every((x) => x.headers["x-skaha-registry-auth"] === undefined)).toBe(true);
    await c.close();
  });
});
