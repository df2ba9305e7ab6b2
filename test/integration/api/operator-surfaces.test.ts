import { chmodSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { request } from "../../support/http.js";
import { makeDataDir, startTestServer, type TestServer } from "../../support/test-server.js";

let t: TestServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await t?.close();
  t = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const ownDataDir = (prefix: string): string => {
  const d = makeDataDir(prefix);
  dirs.push(d);
  return d;
};

const modeOf = (path: string): number => statSync(path).mode & 0o777;

describe("/metrics is for administrators and the scrape token (issue 11)", () => {
  it("refuses anonymous callers and other users, and serves admins and Prometheus's token", async () => {
    const dataDir = ownDataDir("metrics");
    const tokenFile = join(dataDir, "metrics.token");
    writeFileSync(tokenFile, "prometheus-scrape-token-0123456789\n", { mode: 0o600 });
    t = await startTestServer({ dataDir, overrides: { metrics: { tokenFile } } });
    const alice = await t.addUser("alice");
    const admin = await t.addUser("root-of-trust", { groups: ["skyrun-admins:40002"] });

    const anonymous = await request("GET", `${t.url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).not.toContain("skyrun_");
    const user = await request("GET", `${t.url}/metrics`, { token: alice.token });
    expect(user.status).toBe(403);
    expect(user.text).toBe("/metrics is for administrators (members of auth.adminGroup) and for the scrape token of metrics.tokenFile.\n");
    expect((await request("GET", `${t.url}/metrics`, { headers: { authorization: "Bearer prometheus-scrape-token-wrong" } })).status).toBe(401);
    for (const token of [admin.token, "prometheus-scrape-token-0123456789"]) {
      const r = await request("GET", `${t.url}/metrics`, { token });
      expect(r.status).toBe(200);
      expect(r.text).toContain("skyrun_sessions_queued");
    }
    // Health stays open for load balancers and probes: it tells only whether the engine answers.
    expect((await request("GET", `${t.url}/healthz`)).status).toBe(200);
  });

  it("serves anyone when an operator says so (metrics.public)", async () => {
    t = await startTestServer({ overrides: { metrics: { public: true } } });
    expect((await request("GET", `${t.url}/metrics`)).status).toBe(200);
  });
});

describe("the data directory keeps its secrets to the server's user (issue 11)", () => {
  it("makes the database, its WAL and shared-memory files, the secret key and TLS keys 0600, the directory 0700", async () => {
    t = await startTestServer({ tls: true });
    await t.addUser("alice");
    const files = readdirSync(t.dataDir);
    expect(files).toEqual(expect.arrayContaining(["skyrun.db", "skyrun.db-wal", "skyrun.db-shm", "secret.key"]));
    for (const f of ["skyrun.db", "skyrun.db-wal", "skyrun.db-shm", "secret.key"]) expect(modeOf(join(t.dataDir, f)), f).toBe(0o600);
    const keys = readdirSync(join(t.dataDir, "tls")).filter((f) => f.endsWith("-key.pem"));
    expect(keys.length).toBeGreaterThan(0);
    for (const f of keys) expect(modeOf(join(t.dataDir, "tls", f)), f).toBe(0o600);
    expect(modeOf(t.dataDir)).toBe(0o700);
  });

  it("closes up a database an older skyrun left readable by others", async () => {
    const dataDir = ownDataDir("modes");
    t = await startTestServer({ dataDir });
    await t.close();
    t = undefined;
    // A clean stop folds the WAL back in and removes it; the files made anew must not be readable by others either.
    chmodSync(join(dataDir, "skyrun.db"), 0o644);
    t = await startTestServer({ dataDir });
    for (const f of ["skyrun.db", "skyrun.db-wal", "skyrun.db-shm"]) expect(modeOf(join(dataDir, f)), f).toBe(0o600);
  });
});
