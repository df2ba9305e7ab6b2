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

  it("explains a malformed --listen", () => {
    expect(() => loadConfig({ dataDir: "/tmp/x", listen: "localhost" }, {})).toThrow(/HOST:PORT/);
  });
});
