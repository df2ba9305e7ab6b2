import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus, type SessionJson } from "../../support/http.js";
import { DEMO_IMAGE, TEST_ROOT } from "../../support/paths.js";
import { startRegistry, type RegistryServer } from "../../support/registry-server.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

/**
 * Issue 14: canfar rewrites a name of fewer than three parts to images.canfar.net/<name>,
 * and the platform's docs name images.canfar.net/…; an operator maps that host to this
 * site's images. One server maps it to the engine's own images, another to a mirror.
 */
let mirror: RegistryServer;
let toEngine: TestServer;
let toMirror: TestServer;
let alice: TestUser;
let carol: TestUser;

const run = (t: TestServer, user: TestUser, image: string) =>
  request("POST", `${t.base("v1")}/session`, { token: user.token, form: { name: "aliased", image, cmd: "sh", args: "-c 'echo ran'" } });

beforeAll(async () => {
  mirror = await startRegistry();
  await mirror.pushFromEngine(DEMO_IMAGE, "skaha/demo:1");
  toEngine = await startTestServer({ overrides: { registryAliases: { "images.canfar.net": "localhost" } } });
  toMirror = await startTestServer({
    overrides: { registries: [{ host: mirror.host, insecure: true }], registryAliases: { "images.canfar.net": mirror.host }, imageCatalog: { refreshSeconds: 0 } },
  });
  alice = await toEngine.addUser("alice");
  carol = await toMirror.addUser("carol");
});

afterAll(async () => {
  await toEngine.close();
  await toMirror.close();
  await mirror.stop();
  // The engine's storage is shared: leave no image behind that names a registry gone with this test.
  execFileSync("podman", ["rmi", "--force", "--ignore", `${mirror.host}/skaha/demo:1`], { stdio: "ignore", env: { ...process.env, CONTAINERS_CONF: join(TEST_ROOT, "podman", "containers.conf") } });
});

describe("mapped to the engine's own images", () => {
  it("runs canfar's rewrite of a local name (images.canfar.net/localhost/x) as the local image, and shows the image that ran", async () => {
    const r = await run(toEngine, alice, `images.canfar.net/${DEMO_IMAGE}`);
    expect(r.status, r.text).toBe(200);
    const done = await waitForStatus(toEngine.base("v1"), alice.token, r.text.trim(), ["Completed", "Failed"]);
    expect(done.status).toBe("Completed");
    expect(done.image).toBe(DEMO_IMAGE);
    expect((await request("GET", `${toEngine.base("v1")}/session/${done.id}?view=logs`, { token: alice.token })).text).toBe("ran\n");
  });

  it("looks for images.canfar.net/<project>/<name> among the engine's images as localhost/<project>/<name>", async () => {
    const r = await run(toEngine, alice, "images.canfar.net/skaha/astroml:latest");
    expect(r.status, r.text).toBe(200);
    const s = (await request("GET", `${toEngine.base("v1")}/session/${r.text.trim()}`, { token: alice.token })).json<SessionJson>();
    expect(s.image).toBe("localhost/skaha/astroml:latest");
  });

  it("checks the allow-list against the real host after mapping", async () => {
    const r = await run(toEngine, alice, "images.canfar.net/evil.example.org:5000/x:1");
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/^Invalid value for 'image': registry evil\.example\.org:5000 is not allowed here\./);
  });
});

describe("mapped to a site's own registry", () => {
  it("pulls images.canfar.net/skaha/demo:1 from the mirror and shows the mirror's name", async () => {
    const r = await run(toMirror, carol, "images.canfar.net/skaha/demo:1");
    expect(r.status, r.text).toBe(200);
    const done = await waitForStatus(toMirror.base("v1"), carol.token, r.text.trim(), ["Completed", "Failed"], 60_000);
    expect(done.status, done.statusMessage).toBe("Completed");
    expect(done.image).toBe(`${mirror.host}/skaha/demo:1`);
  });
});

describe("without an alias", () => {
  it("refuses images.canfar.net with a 400 that says how an operator maps it", async () => {
    const r = await request("POST", `${toMirror.base("v1")}/session`, { token: carol.token, form: { name: "x", image: "images.canfar.net.evil.org/skaha/demo:1" } });
    expect(r.status).toBe(400);
    const plain = await startTestServer();
    try {
      const dave = await plain.addUser("dave");
      const refused = await run(plain, dave, "images.canfar.net/skaha/astroml:latest");
      expect(refused.status).toBe(400);
      expect(refused.text).toContain("registry images.canfar.net is not allowed here");
      expect(refused.text).toContain("registryAliases");
    } finally {
      await plain.close();
    }
  });
});
