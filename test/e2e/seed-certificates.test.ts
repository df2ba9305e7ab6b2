import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../support/http.js";
import { DEMO_IMAGE, PYTHON_IMAGE, TEST_ROOT } from "../support/paths.js";
import { startRegistry, type RegistryServer } from "../support/registry-server.js";
import { freePort } from "../support/free-port.js";
import { skyrunCli, startServerProcess, type ServerProcess } from "../support/server-process.js";
import { createTestPki } from "../support/test-pki.js";
import { makeDataDir } from "../support/test-server.js";

/**
 * The seed pages' `curl -E ~/.ssl/cadcproxy.pem …` and `x-skaha-registry-auth`
 * examples, run with bash and curl exactly as written against `skyrun server` over
 * HTTPS. Adapted: the host, the image (a local one, or one pushed to a registry on
 * loopback), and the credentials. `~/.ssl/cadcproxy.pem` is a real RFC 3820 proxy
 * made the way cadc-get-cert makes it; curl trusts skyrun's generated CA through
 * CURL_CA_BUNDLE, so the commands need no extra flag.
 */

let dataDir: string;
/** A home directory per user, each with the user's ~/.ssl/cadcproxy.pem. */
const homes: Record<string, string> = {};
let server: ServerProcess;
let registry: RegistryServer;
let host: string;
let apiToken: string;
const registrySecret = `my-secret-${randomBytes(8).toString("hex")}`;

const bash = (script: string, user = "majorb"): string => execFileSync("bash", ["-c", script], {
  encoding: "utf8",
  stdio: ["ignore", "pipe", "ignore"],
  env: { ...process.env, HOME: homes[user], CURL_CA_BUNDLE: join(dataDir, "tls", "ca.pem") },
});

/** A session's JSON, through the seed's single-session command. */
const session = (id: string): { status: string; userid: string } => JSON.parse(bash(`curl -s -E ~/.ssl/cadcproxy.pem ${host}/skaha/v0/session/${id}`)) as { status: string; userid: string };
const ended = (id: string) => waitUntil(`session ${id} to end`, async () => {
  const s = session(id);
  return ["Succeeded", "Failed"].includes(s.status) ? s : undefined;
}, 60_000, 250);

beforeAll(async () => {
  dataDir = makeDataDir("seed-tls");
  const pki = createTestPki(join(dataDir, "..", `${dataDir.split("/").at(-1)!}-pki`));
  const majorb = pki.user("majorb", "/C=ca/O=hia/OU=cadc/CN=majorb");
  const myusername = pki.user("myusername", "/C=ca/O=hia/OU=cadc/CN=myusername");
  for (const [user, creds] of [["majorb", majorb], ["myusername", myusername]] as const) {
    homes[user] = join(dataDir, "..", `${dataDir.split("/").at(-1)!}-home-${user}`);
    mkdirSync(join(homes[user], ".ssl"), { recursive: true });
    copyFileSync(creds.proxyFile, join(homes[user], ".ssl", "cadcproxy.pem"));
  }

  registry = await startRegistry({ credentials: { username: "myusername", password: registrySecret } });
  await registry.pushFromEngine(DEMO_IMAGE, "skaha/terminal:1.1.2");

  skyrunCli(["users", "add", "majorb", "--dn", "/C=ca/O=hia/OU=cadc/CN=majorb", "--group", "cadc-team:45001", "--data-dir", dataDir]);
  skyrunCli(["users", "add", "myusername", "--dn", "CN=myusername,OU=cadc,O=hia,C=ca", "--data-dir", dataDir]);
  apiToken = skyrunCli(["tokens", "create", "myusername", "--data-dir", dataDir]).trim().split("\n").at(-1)!;
  const port = await freePort({ from: "kernel" });
  host = `https://localhost:${port}`;
  server = await startServerProcess(dataDir, port, ["--client-ca", pki.caFile, "--insecure-registry", registry.host, "--cores", "2", "--ram", "8"], { SKYRUN_LOG_LEVEL: "debug" }, { tls: true });
});

afterAll(async () => {
  await server.kill("SIGTERM");
  await registry.stop();
  execFileSync("podman", ["rmi", "--force", "--ignore", `${registry.host}/skaha/terminal:1.1.2`], { stdio: "ignore", env: { ...process.env, CONTAINERS_CONF: join(TEST_ROOT, "podman", "containers.conf") } });
});

describe("seed pages over HTTPS with a proxy certificate (issue 3)", () => {
  it("made /arc/projects/<group> for the group given to 'skyrun users add'", () => {
    const dir = statSync(join(dataDir, "arc", "projects", "cadc-team"));
    expect([dir.uid, dir.gid, dir.mode & 0o7777]).toEqual([0, 45001, 0o2770]);
  });

  it("launches the headless job of 000 with a public image, as the calling user, and shows it in every view", async () => {
    const id = bash(`curl -E ~/.ssl/cadcproxy.pem ${host}/skaha/v0/session -d "name=headless-test" -d "image=${DEMO_IMAGE}" --data-urlencode "cmd=touch" --data-urlencode "args=/arc/home/majorb/headless-test-1a /arc/home/majorb/headless-test-1b"`).trim();
    expect(id).toMatch(/^[a-z][a-z0-9]{7}$/);
    expect(await ended(id)).toMatchObject({ status: "Succeeded", userid: "majorb" });
    const uid = statSync(join(dataDir, "arc", "home", "majorb")).uid;
    for (const f of ["headless-test-1a", "headless-test-1b"]) expect(statSync(join(dataDir, "arc", "home", "majorb", f)).uid).toBe(uid);
    const all = JSON.parse(bash(`curl -E ~/.ssl/cadcproxy.pem ${host}/skaha/v0/session`)) as { id: string }[];
    expect(all.map((s) => s.id)).toContain(id);
    expect(bash(`curl -E ~/.ssl/cadcproxy.pem ${host}/skaha/v0/session/${id}?view=logs`)).toBe("");
    expect(bash(`curl -E ~/.ssl/cadcproxy.pem ${host}/skaha/v0/session/${id}?view=events`)).toMatch(/Completed/);
  });

  it("runs 001's python example with kind=headless and quoted args", async () => {
    const id = bash(`curl -E ~/.ssl/cadcproxy.pem \\
  ${host}/skaha/v0/session \\
  -d "name=my-analysis" \\
  -d "image=${PYTHON_IMAGE}" \\
  -d "kind=headless" \\
  --data-urlencode "cmd=python" \\
  --data-urlencode "args=-c 'print(\\"Hello from headless container\\")'"`).trim();
    expect((await ended(id)).status).toBe("Succeeded");
    expect(bash(`SESSION_ID=${id}; curl -E ~/.ssl/cadcproxy.pem \\
  ${host}/skaha/v0/session/\${SESSION_ID}?view=logs`)).toBe("Hello from headless container\n");
  });

  it("launches 000's private-image example with x-skaha-registry-auth", async () => {
    const id = bash(`ENCODED_HEADER=\`echo -n "myusername:${registrySecret}" | base64 -i -\`
curl --header "x-skaha-registry-auth: \${ENCODED_HEADER}" -E ~/.ssl/cadcproxy.pem ${host}/skaha/v0/session -d "name=headless-test" -d "image=${registry.host}/skaha/terminal:1.1.2" --data-urlencode "cmd=touch" --data-urlencode "args=/arc/home/myusername/headless-test-1a /arc/home/myusername/headless-test-1b"`, "myusername").trim();
    expect(id).toMatch(/^[a-z][a-z0-9]{7}$/);
    const s = JSON.parse(bash(`curl -s -E ~/.ssl/cadcproxy.pem ${host}/skaha/v0/session/${id}`, "myusername")) as { userid: string };
    expect(s.userid).toBe("myusername");
    await waitUntil("the private job to end", async () => {
      const j = JSON.parse(bash(`curl -s -E ~/.ssl/cadcproxy.pem ${host}/skaha/v0/session/${id}`, "myusername")) as { status: string };
      return ["Succeeded", "Failed"].includes(j.status) ? j.status : undefined;
    }, 60_000, 250).then((status) => expect(status).toBe("Succeeded"));
    expect(existsSync(join(dataDir, "arc", "home", "myusername", "headless-test-1b"))).toBe(true);
    // Without the header, the same command is refused with what to send.
    const refused = bash(`curl -s -w '\\n%{http_code}' -E ~/.ssl/cadcproxy.pem ${host}/skaha/v0/session -d "name=headless-test" -d "image=${registry.host}/skaha/terminal:1.1.2"`, "myusername");
    expect(refused).toMatch(/x-skaha-registry-auth[\s\S]*\n400$/);
  });

  it("deletes a running job with 001's DELETE command", async () => {
    const id = bash(`curl -s -E ~/.ssl/cadcproxy.pem ${host}/skaha/v0/session -d "name=sleeper" -d "image=${DEMO_IMAGE}" --data-urlencode "cmd=sleep 300"`).trim();
    await waitUntil("the job to run", async () => (session(id).status === "Running" ? true : undefined), 30_000, 250);
    bash(`SESSION_ID=${id}; curl -E ~/.ssl/cadcproxy.pem \\
  -X DELETE \\
  ${host}/skaha/v0/session/\${SESSION_ID}`);
    expect((await ended(id)).status).toBe("Failed");
  });

  it("refuses curl without a certificate, or with someone else's CA, with 401 and the reason", () => {
    expect(bash(`curl -s -w '\\n%{http_code}' ${host}/skaha/v0/session`)).toMatch(/client certificate \(curl -E[\s\S]*\n401$/);
    const rogue = createTestPki(join(homes.majorb!, "rogue"), "/C=ca/O=hia/CN=skyrun test CA").user("majorb", "/C=ca/O=hia/OU=cadc/CN=majorb");
    expect(bash(`curl -s -w '\\n%{http_code}' -E ${rogue.proxyFile} ${host}/skaha/v0/session`)).toMatch(/not a CA this server trusts[\s\S]*\n401$/);
  });

  it("keeps the API token and the registry secret out of the data directory and every log", () => {
    expect(bash(`curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${apiToken}" ${host}/skaha/v0/session`)).toBe("200");
    const encoded = Buffer.from(`myusername:${registrySecret}`).toString("base64");
    const secrets = [apiToken, registrySecret, encoded];
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      const st = statSync(path);
      return st.isDirectory() ? walk(path) : st.isFile() ? [path] : [];
    });
    const files = [...walk(dataDir), join(TEST_ROOT, "podman", "podman-service.log")];
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) for (const secret of secrets) expect(readFileSync(file).includes(secret), `${file} holds a secret`).toBe(false);
    const log = server.stderr();
    expect(log).toContain('"msg":"starting skyrun"'); // the log was captured, not just empty
    for (const secret of secrets) expect(log.includes(secret)).toBe(false);
  });
});
