import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { makeCliHome, runCli } from "../support/cli-runner.js";
import { DEMO_IMAGE } from "../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../support/test-server.js";
import { createTestPki, type TestCredentials } from "../support/test-pki.js";

// Logging in, saved settings and their precedence, and certificate authentication from
// the command line. Every test has its own HOME, so nothing leaks in from the machine.

let t: TestServer;
let alice: TestUser;
let aliceCert: TestCredentials;
/** skyrun over its own HTTPS, trusting the test PKI for client and proxy certificates. */
let secure: TestServer;
let ca: string;

beforeAll(async () => {
  t = await startTestServer();
  alice = await t.addUser("alice", { uid: 20601 });
  const pki = createTestPki();
  aliceCert = pki.user("alice", "/O=skyrun test/CN=alice");
  secure = await startTestServer({ tls: { clientCaFile: pki.caFile } });
  await secure.addUser("alice", { uid: 20601, dn: "/O=skyrun test/CN=alice" });
  ca = secure.caFile!;
});
afterAll(async () => {
  await secure.close();
  await t.close();
});

describe("login and config", () => {
  it("login checks the token, saves it with mode 0600 under XDG_CONFIG_HOME, and later commands use it", async () => {
    const home = makeCliHome();
    const env = { HOME: home, XDG_CONFIG_HOME: join(home, "xdg") };
    const login = await runCli(["login", t.url, "--token-stdin"], { env, input: `${alice.token}\n` });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain("Logged in to");
    expect(login.stdout).toContain("skyrun 0.1.0");
    const file = join(home, "xdg", "skyrun", "config.yaml");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, "xdg", "skyrun")).mode & 0o777).toBe(0o700);
    expect(parseYaml(readFileSync(file, "utf8"))).toEqual({ url: t.url, token: alice.token });

    const again = await runCli(["login", t.url, "--token-stdin", "-o", "json"], { env, input: alice.token });
    expect(JSON.parse(again.stdout)).toMatchObject({ url: t.url, apiBase: `${t.url}/skaha/v1`, server: "skyrun", auth: "token", settingsFile: file });
    const run = await runCli(["run", "-q", DEMO_IMAGE, "--", "true"], { env });
    expect(run.code, run.stderr).toBe(0);
    const ps = await runCli(["ps", "-a", "-q"], { env });
    expect(ps.stdout.trim()).toContain(run.stdout.trim());

    const shown = await runCli(["config", "-o", "json"], { env });
    const settings = JSON.parse(shown.stdout) as { file: string; settings: { key: string; value: string | null; source: string | null }[] };
    expect(settings.file).toBe(file);
    expect(settings.settings.find((s) => s.key === "token")).toEqual({ key: "token", value: `****${alice.token.slice(-4)}`, source: "file" });
    expect(shown.stdout).not.toContain(alice.token);
    expect(JSON.parse((await runCli(["config", "show", "-o", "json"], { env })).stdout)).toEqual(settings);
    expect((await runCli(["config", "path"], { env })).stdout).toBe(`${file}\n`);
  });

  it("SKYRUN_URL and SKYRUN_TOKEN override the file; a token from the environment replaces the file's certificate", async () => {
    const home = makeCliHome();
    const env = { HOME: home };
    expect((await runCli(["config", "set", "url", "http://127.0.0.1:1"], { env })).code).toBe(0);
    expect((await runCli(["config", "set", "cert", aliceCert.proxyFile], { env })).code).toBe(0);
    const table = await runCli(["config"], { env: { ...env, SKYRUN_URL: t.url, SKYRUN_TOKEN: alice.token } });
    expect(table.stdout).toMatch(new RegExp(`url\\s+${t.url.replace(/[/.]/g, "\\$&")}\\s+env`));
    expect(table.stdout).toMatch(/token\s+\*{4}\S{4}\s+env/);
    expect(table.stdout).toMatch(/cert\s+-\s+-/);
    const ps = await runCli(["ps"], { env: { ...env, SKYRUN_URL: t.url, SKYRUN_TOKEN: alice.token } });
    expect(ps.code, ps.stderr).toBe(0);
    expect((await runCli(["config", "unset", "cert"], { env })).code).toBe(0);
    expect(parseYaml(readFileSync(join(home, ".config", "skyrun", "config.yaml"), "utf8"))).toEqual({ url: "http://127.0.0.1:1" });
    const bad = await runCli(["config", "set", "colour", "blue"], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Unknown setting 'colour'. Settings: url, token, cert, ca, apiVersion.");
  });

  it("a rejected login says so, exits 4 and saves nothing", async () => {
    const home = makeCliHome();
    const r = await runCli(["login", t.url, "--token-stdin"], { env: { HOME: home }, input: "skyrun_00000000_wrong\n" });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^skyrun: .*did not accept your credentials \(401/);
    expect(existsSync(join(home, ".config", "skyrun", "config.yaml"))).toBe(false);
  });

  it("apiVersion v0 in the settings makes finished jobs read Succeeded", async () => {
    const home = makeCliHome();
    const env = { HOME: home, SKYRUN_URL: t.url, SKYRUN_TOKEN: alice.token };
    await runCli(["config", "set", "apiVersion", "v0"], { env });
    const r = await runCli(["run", "--wait", "-o", "json", DEMO_IMAGE, "--", "true"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { sessions: { status: string }[] }).sessions[0]!.status).toBe("Succeeded");
  });
});

describe("certificates from the command line", () => {
  it("logs in with a proxy certificate and a private CA, saves their paths, and runs a job over TLS", async () => {
    const home = makeCliHome();
    const env = { HOME: home };
    const login = await runCli(["login", secure.url, "--cert", aliceCert.proxyFile, "--ca", ca], { env });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain("with a certificate");
    expect(parseYaml(readFileSync(join(home, ".config", "skyrun", "config.yaml"), "utf8"))).toEqual({ url: secure.url, cert: aliceCert.proxyFile, ca });
    const r = await runCli(["run", "--follow", DEMO_IMAGE, "--", "echo", "over", "tls"], { env });
    expect(r).toMatchObject({ code: 0, stdout: "over tls\n" });
    const version = JSON.parse((await runCli(["version", "-o", "json"], { env })).stdout) as { client: string; server: { kind: string; url: string } };
    expect(version).toEqual({ client: "0.1.0", server: { kind: "skyrun", version: "0.1.0", url: `${secure.url}/skaha/v1` } });
    expect((await runCli(["version"], { env })).stdout).toBe(`skyrun CLI 0.1.0\nserver: skyrun 0.1.0 at ${secure.url}/skaha/v1\n`);
  });

  it("uses ~/.ssl/cadcproxy.pem when nothing else is configured, as the platform's client does", async () => {
    const home = makeCliHome();
    const { mkdirSync, copyFileSync } = await import("node:fs");
    mkdirSync(join(home, ".ssl"));
    copyFileSync(aliceCert.proxyFile, join(home, ".ssl", "cadcproxy.pem"));
    const r = await runCli(["ps", "-a", "-o", "json"], { env: { HOME: home, SKYRUN_URL: secure.url, SKYRUN_CA: ca } });
    expect(r.code, r.stderr).toBe(0);
    expect(Array.isArray(JSON.parse(r.stdout))).toBe(true);
  });

  it("explains an untrusted server certificate and a missing certificate file", async () => {
    const untrusted = await runCli(["ps"], { env: { SKYRUN_URL: secure.url, SKYRUN_CERT: aliceCert.proxyFile } });
    expect(untrusted.code).toBe(4);
    expect(untrusted.stderr).toContain("is not trusted");
    expect(untrusted.stderr).toContain("--ca FILE");
    const missing = await runCli(["ps", "--cert", "/nonexistent/cadcproxy.pem", "--url", secure.url]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toBe("skyrun: The certificate file /nonexistent/cadcproxy.pem does not exist.\n");
  });
});
