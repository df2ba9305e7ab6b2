import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitUntil } from "./http.js";
import { TEST_ROOT } from "./paths.js";
import { freePort } from "./free-port.js";

/**
 * Debian's `docker-registry` (the CNCF distribution registry) on loopback, over plain
 * HTTP, with htpasswd authentication when credentials are given; images go in with
 * `skopeo`, as an operator would push them.
 */
export interface RegistryServer {
  /** host:port, as image references and --insecure-registry name it. */
  readonly host: string;
  /**
   * A registries.conf that lets Podman (and Slurm nodes running it) speak plain HTTP to
   * this registry: point CONTAINERS_REGISTRIES_CONF at it.
   */
  readonly registriesConf: string;
  /** Copies an image from the engine's storage into the registry; resolves to its reference, `<host>/<repositoryAndTag>`. */
  pushFromEngine(source: string, repositoryAndTag: string): Promise<string>;
  /** Pushes a tiny synthetic image (one file) with these config labels. */
  pushSynthetic(repositoryAndTag: string, labels: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  /** Require these credentials (htpasswd, bcrypt); omit for an anonymous, public registry. */
  readonly credentials?: { readonly username: string; readonly password: string };
  /**
   * Token authentication, as Harbor does it: the registry sends a Bearer challenge
   * naming this realm, which issues tokens (see `token-server.ts`). Pushes use `credentials`.
   */
  readonly tokenAuth?: { readonly realm: string; readonly service: string; readonly issuer: string; readonly rootCertFile: string };
}

function writeSyntheticImage(dir: string, labels: Record<string, string>): void {
  mkdirSync(join(dir, "rootfs"), { recursive: true });
  writeFileSync(join(dir, "rootfs", "hello.txt"), "hello from a synthetic image\n");
  execFileSync("tar", ["-cf", join(dir, "layer.tar"), "-C", join(dir, "rootfs"), "hello.txt"]);
  const blobs = join(dir, "image");
  mkdirSync(blobs, { recursive: true });
  const put = (bytes: Buffer) => {
    const hex = createHash("sha256").update(bytes).digest("hex");
    writeFileSync(join(blobs, hex), bytes);
    return { digest: `sha256:${hex}`, size: bytes.length };
  };
  const layer = put(readFileSync(join(dir, "layer.tar")));
  const config = put(Buffer.from(JSON.stringify({
    architecture: "amd64",
    os: "linux",
    config: { Labels: labels, Cmd: ["/bin/sh"] },
    rootfs: { type: "layers", diff_ids: [layer.digest] },
  })));
  writeFileSync(join(blobs, "manifest.json"), JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", ...layer }],
  }));
  writeFileSync(join(blobs, "version"), "Directory Transport Version: 1.1\n");
}

/** Starts the registry in a fresh directory under the test root and waits until it answers. */
export async function startRegistry(o: RegistryOptions = {}): Promise<RegistryServer> {
  const port = await freePort();
  const dir = join(TEST_ROOT, `registry-${port}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "data"), { recursive: true });
  const auth = o.tokenAuth
    ? `auth:\n  token:\n    realm: ${o.tokenAuth.realm}\n    service: ${o.tokenAuth.service}\n    issuer: ${o.tokenAuth.issuer}\n    rootcertbundle: ${o.tokenAuth.rootCertFile}\n`
    : o.credentials
    ? (() => {
      writeFileSync(join(dir, "htpasswd"), execFileSync("htpasswd", ["-Bbn", o.credentials.username, o.credentials.password], { encoding: "utf8" }));
      return `auth:\n  htpasswd:\n    realm: skyrun-test\n    path: ${join(dir, "htpasswd")}\n`;
    })()
    : "";
  writeFileSync(join(dir, "config.yml"), `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "data")}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`);
  const child: ChildProcess = spawn("docker-registry", ["serve", join(dir, "config.yml")], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr?.on("data", (b: Buffer) => { err += b.toString(); });
  const host = `127.0.0.1:${port}`;
  const registriesConf = join(dir, "registries.conf");
  writeFileSync(registriesConf, `[[registry]]\nlocation = "${host}"\ninsecure = true\n`);
  await waitUntil("the registry to answer", async () => {
    if (child.exitCode !== null) throw new Error(`docker-registry exited ${child.exitCode}: ${err}`);
    const r = await fetch(`http://${host}/v2/`).catch(() => undefined);
    return r && (r.status === 200 || r.status === 401) ? true : undefined;
  }, 20_000);
  const creds = o.credentials ? ["--dest-creds", `${o.credentials.username}:${o.credentials.password}`] : [];
  // Asynchronous: a token service the registry consults may run in this very process.
  const skopeo = async (source: string, dest: string) => {
    await promisify(execFile)("skopeo", ["copy", "--quiet", source, `docker://${host}/${dest}`, "--dest-tls-verify=false", ...creds], { timeout: 120_000 });
    return `${host}/${dest}`;
  };
  return {
    host,
    registriesConf,
    pushFromEngine: (source, dest) => skopeo(`containers-storage:${source}`, dest),
    async pushSynthetic(dest, labels) {
      const work = join(dir, `synthetic-${Math.random().toString(36).slice(2, 8)}`);
      writeSyntheticImage(work, labels);
      await skopeo(`dir:${join(work, "image")}`, dest);
    },
    stop: () => new Promise<void>((resolve) => {
      const done = () => { rmSync(dir, { recursive: true, force: true }); resolve(); };
      if (child.exitCode !== null) return done();
      child.once("exit", done);
      child.kill("SIGTERM");
    }),
  };
}
