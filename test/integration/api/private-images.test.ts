import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request, waitForStatus } from "../../support/http.js";
import { DEMO_IMAGE, TEST_ROOT } from "../../support/paths.js";
import { startRegistry, type RegistryServer } from "../../support/registry-server.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

const REGISTRY_USER = "skyrunner";
const REGISTRY_SECRET = `cli-secret-${randomBytes(12).toString("hex")}`;
const podmanEnv = { ...process.env, CONTAINERS_CONF: join(TEST_ROOT, "podman", "containers.conf") };
const header = (user: string, secret: string) => ({ "x-skaha-registry-auth": Buffer.from(`${user}:${secret}`).toString("base64") });

let privateRegistry: RegistryServer;
let publicRegistry: RegistryServer;
let t: TestServer;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  privateRegistry = await startRegistry({ credentials: { username: REGISTRY_USER, password: REGISTRY_SECRET } });
  publicRegistry = await startRegistry();
  await privateRegistry.pushFromEngine(DEMO_IMAGE, "private/demo:1");
  await publicRegistry.pushFromEngine(DEMO_IMAGE, "public/demo:1");
  await publicRegistry.pushSynthetic("public/notebook:1", { "ca.canfar.skyrun.types": "notebook,headless" });
  t = await startTestServer({
    overrides: {
      registries: [{ host: privateRegistry.host, insecure: true }, { host: publicRegistry.host, insecure: true }],
      imageCatalog: { refreshSeconds: 0 },
    },
  });
  alice = await t.addUser("alice");
  bob = await t.addUser("bob");
});

afterAll(async () => {
  await t.close();
  await privateRegistry.stop();
  await publicRegistry.stop();
  // The engine's storage is shared: leave no image behind that names a registry gone with this test.
  for (const ref of [`${privateRegistry.host}/private/demo:1`, `${publicRegistry.host}/public/demo:1`]) {
    execFileSync("podman", ["rmi", "--force", "--ignore", ref], { stdio: "ignore", env: { ...process.env, CONTAINERS_CONF: join(TEST_ROOT, "podman", "containers.conf") } });
  }
});

const create = (token: string, image: string, headers: Record<string, string> = {}) =>
  request("POST", `${t.base()}/session`, { token, headers, form: { name: "private-image", image, cmd: "sh", args: "-c 'echo ran as $(id -un)'" } });

const events = async (token: string, id: string) => (await request("GET", `${t.base()}/session/${id}?view=events`, { token })).text;

describe("private images with x-skaha-registry-auth, against a real registry (issue 3)", () => {
  it("has a registry that refuses anonymous pulls", async () => {
    const anonymous = await fetch(`http://${privateRegistry.host}/v2/private/demo/manifests/1`);
    expect(anonymous.status).toBe(401);
    const authorized = await fetch(`http://${privateRegistry.host}/v2/private/demo/manifests/1`, {
      headers: { authorization: `Basic ${Buffer.from(`${REGISTRY_USER}:${REGISTRY_SECRET}`).toString("base64")}`, accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json" },
    });
    expect(authorized.status).toBe(200);
  });

  it("refuses an image not in the public catalog without the header, saying what to send", async () => {
    const r = await create(alice.token, `${privateRegistry.host}/private/demo:1`);
    expect(r.status).toBe(400);
    expect(r.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(r.text).toContain("No authentication provided for unknown or private image");
    expect(r.text).toContain("x-skaha-registry-auth");
    expect(r.text).toContain("base64Encode(username:secret)");
  });

  it("pulls with the user's credentials and runs the job", async () => {
    const r = await create(alice.token, `${privateRegistry.host}/private/demo:1`, header(REGISTRY_USER, REGISTRY_SECRET));
    expect(r.status, r.text).toBe(200);
    const id = r.text.trim();
    await waitForStatus(t.base(), alice.token, id, ["Succeeded"], 60_000);
    expect((await request("GET", `${t.base()}/session/${id}?view=logs`, { token: alice.token })).text).toBe("ran as alice\n");
    expect(await events(alice.token, id)).toMatch(/Pulled +Successfully pulled image/);
    // Sealed credentials are dropped once the job has ended.
    expect((await t.server.store.jobs.get(id as never))?.sealedRegistryAuth).toBeNull();
  });

  it("ends the job Failed with 'image pull unauthorized' on wrong credentials, even once the image is cached", async () => {
    const r = await create(bob.token, `${privateRegistry.host}/private/demo:1`, header(REGISTRY_USER, "not-the-secret"));
    expect(r.status, r.text).toBe(200);
    const id = r.text.trim();
    const ended = await waitForStatus(t.base(), bob.token, id, ["Failed", "Succeeded"], 60_000);
    expect(ended.status).toBe("Failed");
    expect(await events(bob.token, id)).toMatch(/image pull unauthorized: .*unauthorized/);
    // Without any header the cached copy is not reachable either.
    expect((await create(bob.token, `${privateRegistry.host}/private/demo:1`)).status).toBe(400);
  });

  it("refuses every name form that reaches another user's cached copy of a private image (issue 11)", async () => {
    // A private image with content of its own, pulled (and so cached on the engine) by alice.
    const build = join(TEST_ROOT, `secret-image-${randomBytes(4).toString("hex")}`);
    mkdirSync(build, { recursive: true });
    writeFileSync(join(build, "Containerfile"), `FROM ${DEMO_IMAGE}\nRUN echo top-secret > /private.txt\n`);
    const local = `localhost/skyrun-secret-probe:${randomBytes(4).toString("hex")}`;
    execFileSync("podman", ["build", "-q", "-t", local, build], { env: podmanEnv, stdio: "ignore" });
    await privateRegistry.pushFromEngine(local, "private/secret:1");
    execFileSync("podman", ["rmi", local], { env: podmanEnv, stdio: "ignore" });
    const full = `${privateRegistry.host}/private/secret:1`;
    const pulled = await create(alice.token, full, header(REGISTRY_USER, REGISTRY_SECRET));
    expect(pulled.status, pulled.text).toBe(200);
    await waitForStatus(t.base(), alice.token, pulled.text.trim(), ["Succeeded"], 60_000);
    const imageId = execFileSync("podman", ["image", "inspect", "--format", "{{.Id}}", full], { env: podmanEnv, encoding: "utf8" }).trim();
    for (const form of ["private/secret:1", "secret:1", imageId.slice(0, 12), imageId, `sha256:${imageId}`]) {
      const r = await request("POST", `${t.base()}/session`, { token: bob.token, form: { name: "bypass", image: form, cmd: "cat", args: "/private.txt" } });
      expect(r.status, `${form}: ${r.text}`).toBe(400);
      expect(r.text).toContain(`a copy of ${full}`);
    }
    // A localhost/ name the engine does not hold is not the registry copy: the job cannot start.
    const other = await request("POST", `${t.base()}/session`, { token: bob.token, form: { name: "bypass", image: "localhost/private/secret:1", cmd: "cat", args: "/private.txt" } });
    expect(other.status, other.text).toBe(200);
    expect(await waitForStatus(t.base(), bob.token, other.text.trim(), ["Failed", "Succeeded"], 60_000)).toMatchObject({ status: "Failed" });
    expect((await request("GET", `${t.base()}/session/${other.text.trim()}?view=logs`, { token: bob.token })).text).not.toContain("top-secret");
    // The operator's own image, by its local name, still runs although a registry copy shares its content.
    expect((await create(bob.token, DEMO_IMAGE)).status).toBe(200);
    execFileSync("podman", ["rmi", "--force", full], { env: podmanEnv, stdio: "ignore" });
  });

  it("runs a public image from an allowed registry without credentials", async () => {
    const r = await create(bob.token, `${publicRegistry.host}/public/demo:1`);
    expect(r.status, r.text).toBe(200);
    await waitForStatus(t.base(), bob.token, r.text.trim(), ["Succeeded"], 60_000);
  });

  it("allows registries by exact host and port, not by prefix", async () => {
    const lookalike = `${privateRegistry.host}0`;
    for (const image of [`${lookalike}/private/demo:1`, "images.canfar.net/skaha/terminal:1.1.2", `${privateRegistry.host.replace("127.0.0.1", "localhost")}/private/demo:1`]) {
      const r = await create(alice.token, image, header(REGISTRY_USER, REGISTRY_SECRET));
      expect(r.status, image).toBe(400);
      expect(r.text).toContain("is not allowed here");
      expect(r.text).toContain(`${privateRegistry.host}, ${publicRegistry.host}`);
    }
  });

  it("lists the registries' public images with their label types, the engine's own, and never private ones", async () => {
    await request("GET", `${t.base()}/image?refresh=true`, { token: alice.token });
    const images = (await request("GET", `${t.base()}/image`, { token: alice.token })).json<{ id: string; types: string[]; digest: string }[]>();
    const byId = new Map(images.map((i) => [i.id, i]));
    expect(byId.get(`${publicRegistry.host}/public/demo:1`)).toMatchObject({ types: ["headless"], digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(byId.get(`${publicRegistry.host}/public/notebook:1`)?.types).toEqual(["notebook", "headless"]);
    expect(byId.get(DEMO_IMAGE)?.types).toEqual(["headless"]);
    expect(images.some((i) => i.id.includes("private/demo"))).toBe(false);
    const notebooks = (await request("GET", `${t.base("v1")}/image?type=notebook`, { token: alice.token })).json<{ id: string }[]>();
    expect(notebooks.map((i) => i.id)).toEqual([`${publicRegistry.host}/public/notebook:1`]);
    expect((await request("GET", `${t.base()}/repository`, { token: alice.token })).json()).toEqual([privateRegistry.host, publicRegistry.host]);
  });

  it("refreshes the catalog on demand", async () => {
    await publicRegistry.pushSynthetic("public/fresh:2", {});
    const before = (await request("GET", `${t.base()}/image`, { token: alice.token })).json<{ id: string }[]>();
    expect(before.some((i) => i.id.endsWith("public/fresh:2"))).toBe(false);
    const after = (await request("GET", `${t.base()}/image?refresh=true`, { token: alice.token })).json<{ id: string; types: string[] }[]>();
    expect(after.find((i) => i.id === `${publicRegistry.host}/public/fresh:2`)?.types).toEqual(["headless"]);
  });

  it("keeps the registry secret out of every file in the data directory", () => {
    const encoded = header(REGISTRY_USER, REGISTRY_SECRET)["x-skaha-registry-auth"];
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
    const files = walk(t.dataDir);
    expect(files.some((f) => f.endsWith("skyrun.db"))).toBe(true);
    for (const file of files) {
      const bytes = readFileSync(file);
      expect(bytes.includes(REGISTRY_SECRET), file).toBe(false);
      expect(bytes.includes(encoded), file).toBe(false);
    }
  });
});
