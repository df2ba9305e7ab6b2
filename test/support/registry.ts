import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitUntil } from "./http.js";
import { TEST_ROOT } from "./paths.js";
import { freePort } from "./server-process.js";

export interface TestRegistry {
  /** `127.0.0.1:<port>` */
  readonly host: string;
  /** A registries.conf that lets Podman speak plain HTTP to this registry (CONTAINERS_REGISTRIES_CONF). */
  readonly registriesConf: string;
  /** Copies a local image into the registry as `<host>/<path>`. */
  push(localImage: string, path: string): string;
  stop(): Promise<void>;
}

/**
 * A private registry on loopback from Debian's docker-registry, with htpasswd auth:
 * an unauthenticated pull fails, an authenticated one works.
 */
export async function startRegistry(user: string, password: string): Promise<TestRegistry> {
  mkdirSync(TEST_ROOT, { recursive: true });
  const dir = mkdtempSync(join(TEST_ROOT, "registry-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  writeFileSync(join(dir, "htpasswd"), execFileSync("htpasswd", ["-Bbn", user, password], { encoding: "utf8" }));
  writeFileSync(join(dir, "config.yml"), [
    "version: 0.1",
    `storage: { filesystem: { rootdirectory: ${join(dir, "data")} } }`,
    `http: { addr: "${host}" }`,
    `auth: { htpasswd: { realm: skyrun-test, path: ${join(dir, "htpasswd")} } }`,
    "",
  ].join("\n"));
  const registriesConf = join(dir, "registries.conf");
  writeFileSync(registriesConf, `[[registry]]\nlocation = "${host}"\ninsecure = true\n`);
  const child = spawn("docker-registry", ["serve", join(dir, "config.yml")], { stdio: "ignore" });
  await waitUntil("the registry to answer", async () => {
    if (child.exitCode !== null) throw new Error(`docker-registry exited ${child.exitCode}`);
    const r = await fetch(`http://${host}/v2/`).catch(() => undefined);
    return r?.status === 401 ? true : undefined;
  }, 20_000);
  return {
    host,
    registriesConf,
    push(localImage, path) {
      const ref = `${host}/${path}`;
      execFileSync("skopeo", ["copy", "--quiet", "--dest-creds", `${user}:${password}`, "--dest-tls-verify=false", `containers-storage:${localImage}`, `docker://${ref}`], { stdio: "ignore" });
      return ref;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
