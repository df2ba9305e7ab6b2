import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus } from "../../support/http.js";
import { DEMO_IMAGE, TEST_ROOT } from "../../support/paths.js";
import { startRegistry, type RegistryServer } from "../../support/registry-server.js";
import { makeDataDir, startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";
import { startTokenServer, type TokenServer } from "../../support/token-server.js";

/**
 * A registry with token authentication, as Harbor runs: anonymous clients get a
 * bearer token that lets them pull `public/…` and read the catalog, nothing else.
 */
const pusher = { username: "operator", password: "push-secret" };
let tokens: TokenServer;
let registry: RegistryServer;
let t: TestServer;
let alice: TestUser;

beforeAll(async () => {
  tokens = await startTokenServer(makeDataDir("token"), pusher);
  registry = await startRegistry({ credentials: pusher, tokenAuth: tokens });
  await registry.pushFromEngine(DEMO_IMAGE, "public/demo:1");
  await registry.pushSynthetic("public/carta:4", { "ca.canfar.skyrun.types": "carta" });
  await registry.pushSynthetic("private/secret:1", { "ca.canfar.skyrun.types": "headless" });
  t = await startTestServer({ overrides: { registries: [{ host: registry.host, insecure: true }], imageCatalog: { refreshSeconds: 3600 } } });
  alice = await t.addUser("alice");
});

afterAll(async () => {
  await t.close();
  await registry.stop();
  await tokens.stop();
  execFileSync("podman", ["rmi", "--force", "--ignore", `${registry.host}/public/demo:1`], { stdio: "ignore", env: { ...process.env, CONTAINERS_CONF: join(TEST_ROOT, "podman", "containers.conf") } });
});

describe("the image catalog against a token-authenticated registry (issue 3)", () => {
  it("lists what anonymous bearer tokens can read, with types from the label, and not the rest", async () => {
    const images = (await request("GET", `${t.base()}/image?refresh=true`, { token: alice.token })).json<{ id: string; types: string[] }[]>();
    const ids = images.map((i) => i.id);
    expect(ids).toContain(`${registry.host}/public/demo:1`);
    expect(images.find((i) => i.id === `${registry.host}/public/carta:4`)?.types).toEqual(["carta"]);
    expect(ids.some((id) => id.includes("private/secret"))).toBe(false);
    expect(tokens.anonymousTokens).toBeGreaterThan(0);
    const carta = (await request("GET", `${t.base()}/image?type=carta`, { token: alice.token })).json<{ id: string }[]>();
    expect(carta.map((i) => i.id)).toEqual([`${registry.host}/public/carta:4`]);
  });

  it("runs a public image without credentials and asks for them for a private one", async () => {
    const pub = await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "pub", image: `${registry.host}/public/demo:1`, cmd: "true" } });
    expect(pub.status, pub.text).toBe(200);
    await waitForStatus(t.base(), alice.token, pub.text.trim(), ["Succeeded"], 60_000);
    const priv = await request("POST", `${t.base()}/session`, { token: alice.token, form: { name: "priv", image: `${registry.host}/private/secret:1` } });
    expect(priv.status).toBe(400);
    expect(priv.text).toContain("x-skaha-registry-auth");
  });

  it("rejects an unknown ?type with the platform's words", async () => {
    const r = await request("GET", `${t.base()}/image?type=spaceship`, { token: alice.token });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/^unknown type: spaceship/);
  });
});
