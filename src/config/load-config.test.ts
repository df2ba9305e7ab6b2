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
});
