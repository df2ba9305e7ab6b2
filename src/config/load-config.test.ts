import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./load-config.js";

describe("configuration", () => {
  it("defaults to SQLite in the data directory and 127.0.0.1:8080", () => {
    const c = loadConfig({ dataDir: "/tmp/x" }, {});
    expect(c.store).toEqual({ driver: "sqlite", path: "/tmp/x/skyrun.db" });
    expect(c.http).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(c.storage.arcRoot).toBe("/tmp/x/arc");
    expect(c.sessions.deadlineSeconds).toBe(1_209_600);
  });

  it("lets flags win over the environment", () => {
    const c = loadConfig({ dataDir: "/tmp/x", cores: "3" }, { SKYRUN_CORES: "5", SKYRUN_RAM: "7" });
    expect(c.capacity.cores).toBe(3);
    expect(c.capacity.ramGB).toBe(7);
  });

  it("reads the server's file from SKYRUN_SERVER_CONFIG and never the CLI's SKYRUN_CONFIG (issue 15)", () => {
    const dir = mkdtempSync(join(tmpdir(), "skyrun-config-"));
    writeFileSync(join(dir, "cli.yaml"), "url: https://example.org\ntoken: abc\n");
    writeFileSync(join(dir, "server.yaml"), "capacity:\n  cores: 3\n  ramGB: 6\n");
    expect(loadConfig({ dataDir: dir }, { SKYRUN_CONFIG: join(dir, "cli.yaml") }).capacity.cores).toBeGreaterThan(0);
    expect(loadConfig({ dataDir: dir }, { SKYRUN_CONFIG: join(dir, "cli.yaml"), SKYRUN_SERVER_CONFIG: join(dir, "server.yaml") }).capacity.cores).toBe(3);
  });

  it("takes a postgres URL as the database", () => {
    expect(loadConfig({ dataDir: "/tmp/x", database: "postgres://u:p@h/db" }, {}).store).toEqual({ driver: "postgres", url: "postgres://u:p@h/db" });
  });

  it("reports every invalid setting at once, with its path", () => {
    try {
      loadConfig({ dataDir: "/tmp/x", cores: "-1", executor: "nomad" }, {});
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).toContain("capacity.cores");
      expect((e as Error).message).toContain("executor");
    }
  });

  it("takes the Slurm partition and account from flags over the environment, and honours SLURM_CONF (issue 6)", () => {
    const c = loadConfig({ dataDir: "/tmp/x", executor: "slurm", slurmPartition: "batch" }, { SKYRUN_SLURM_PARTITION: "debug", SKYRUN_SLURM_ACCOUNT: "astro", SLURM_CONF: "/etc/slurm/site.conf" });
    expect(c.executor).toBe("slurm");
    expect(c.slurm).toMatchObject({ partition: "batch", account: "astro", conf: "/etc/slurm/site.conf", mode: "podman", pollIntervalMs: 500 });
    expect(loadConfig({ dataDir: "/tmp/x" }, {}, { slurm: { conf: "/own.conf" } }).slurm.conf).toBe("/own.conf");
    expect(() => loadConfig({ dataDir: "/tmp/x" }, {}, { slurm: { mode: "docker" } })).toThrow(/slurm\.mode/);
  });

  it("explains a malformed --listen", () => {
    expect(() => loadConfig({ dataDir: "/tmp/x", listen: "localhost" }, {})).toThrow(/HOST:PORT/);
  });

  it("serves HTTPS by default; --no-tls or SKYRUN_TLS=off serve plain HTTP (issue 3)", () => {
    expect(loadConfig({ dataDir: "/tmp/x" }, {}).tls).toEqual({ enabled: true, certFile: "", keyFile: "", clientCaFile: "" });
    expect(loadConfig({ dataDir: "/tmp/x", tls: false }, {}).tls.enabled).toBe(false);
    expect(loadConfig({ dataDir: "/tmp/x" }, { SKYRUN_TLS: "off" }).tls.enabled).toBe(false);
    expect(loadConfig({ dataDir: "/tmp/x", tls: true }, { SKYRUN_TLS: "off" }).tls.enabled).toBe(true);
  });

  it("wants both the certificate and its key, and TLS for client certificates", () => {
    expect(() => loadConfig({ dataDir: "/tmp/x", tlsCert: "/etc/c.pem" }, {})).toThrow(/tls: give both tls.certFile \(--tls-cert\) and tls.keyFile/);
    expect(() => loadConfig({ dataDir: "/tmp/x", tls: false, clientCa: "/etc/ca.pem" }, {})).toThrow(/client certificates \(--client-ca\) need TLS/);
  });

  it("takes registries by exact host from flags and the environment", () => {
    expect(loadConfig({ dataDir: "/tmp/x", registry: ["images.canfar.net"], insecureRegistry: ["127.0.0.1:5000"] }, {}).registries).toEqual([
      { host: "images.canfar.net", insecure: false },
      { host: "127.0.0.1:5000", insecure: true },
    ]);
    expect(loadConfig({ dataDir: "/tmp/x" }, { SKYRUN_REGISTRIES: "a.example.org, b.example.org:8443" }).registries.map((r) => r.host)).toEqual(["a.example.org", "b.example.org:8443"]);
    expect(() => loadConfig({ dataDir: "/tmp/x", registry: ["https://images.canfar.net/"] }, {})).toThrow(/registries.0.host: must be HOST or HOST:PORT/);
  });

  it("lets everyone use view=all by default, as the platform, or only administrators (issue 14)", () => {
    expect(loadConfig({ dataDir: "/tmp/x" }, {}).auth.viewAll).toBe("everyone");
    expect(loadConfig({ dataDir: "/tmp/x" }, {}, { auth: { viewAll: "admins" } }).auth.viewAll).toBe("admins");
    expect(() => loadConfig({ dataDir: "/tmp/x" }, {}, { auth: { viewAll: "nobody" } })).toThrow(/auth\.viewAll/);
  });

  it("takes registry aliases from flags, the environment and the file, to localhost or an allowed registry (issue 14)", () => {
    expect(loadConfig({ dataDir: "/tmp/x", registryAlias: ["Images.CANFAR.net=localhost"] }, {}).registryAliases).toEqual({ "images.canfar.net": "localhost" });
    expect(loadConfig({ dataDir: "/tmp/x" }, { SKYRUN_REGISTRIES: "mirror.example.org:5000", SKYRUN_REGISTRY_ALIASES: "images.canfar.net=mirror.example.org:5000" }).registryAliases)
      .toEqual({ "images.canfar.net": "mirror.example.org:5000" });
    expect(loadConfig({ dataDir: "/tmp/x" }, {}).registryAliases).toEqual({});
    expect(() => loadConfig({ dataDir: "/tmp/x", registryAlias: ["images.canfar.net"] }, {})).toThrow(/expected FROM=TO/);
    expect(() => loadConfig({ dataDir: "/tmp/x", registryAlias: ["images.canfar.net=mirror.example.org"] }, {}))
      .toThrow(/registryAliases\.images\.canfar\.net: maps to mirror\.example\.org, which is not in registries/);
    expect(() => loadConfig({ dataDir: "/tmp/x", registry: ["images.canfar.net"], registryAlias: ["images.canfar.net=localhost"] }, {}))
      .toThrow(/images\.canfar\.net is also in registries/);
    expect(() => loadConfig({ dataDir: "/tmp/x" }, {}, { registryAliases: { "localhost": "localhost" } })).toThrow(/other than localhost/);
  });

  it("checks the OIDC settings", () => {
    expect(loadConfig({ dataDir: "/tmp/x", oidcIssuer: "https://login.example.org/realms/x", oidcAudience: "skyrun" }, {}).oidc).toMatchObject({ usernameClaim: "preferred_username", clockToleranceSeconds: 30 });
    expect(() => loadConfig({ dataDir: "/tmp/x", oidcIssuer: "https://login.example.org" }, {})).toThrow(/oidc.audience is required/);
    expect(() => loadConfig({ dataDir: "/tmp/x", oidcIssuer: "http://login.example.org", oidcAudience: "a" }, {})).toThrow(/https:\/\/ URL/);
  });
});
