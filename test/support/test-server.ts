import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import { inject } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { addUser, createToken, parseGroupSpec } from "../../src/identity/user-admin.js";
import { startServer, type RunningServer } from "../../src/main.js";
import type { User } from "../../src/store/store.js";
import { removeJobContainers } from "./job-containers.js";
import { TEST_ROOT } from "./paths.js";

export interface TestUser {
  readonly user: User;
  readonly token: string;
}

export interface TestServer {
  readonly url: string;
  readonly dataDir: string;
  readonly server: RunningServer;
  /** The CA that signed the server's own certificate, when started with `tls`. */
  readonly caFile: string | undefined;
  /** `<url>/skaha/<version>` */
  base(version?: "v0" | "v1"): string;
  addUser(name: string, options?: { uid?: number; groups?: string[]; dn?: string }): Promise<TestUser>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Config sections to override, e.g. `{ capacity: { cores: 2, ramGB: 8 } }`. */
  readonly overrides?: Record<string, unknown>;
  readonly store?: "sqlite" | "postgres";
  /** Reuse a data directory (restart tests). */
  readonly dataDir?: string;
  /** Serve HTTPS (skyrun's own certificate), optionally accepting client certificates. Default: plain HTTP. */
  readonly tls?: boolean | { readonly clientCaFile?: string };
  /** The server's logger (to read what it reports); default: errors only, or SKYRUN_TEST_LOG's level. */
  readonly log?: Logger;
}

/** A fresh data directory under the test root. */
export function makeDataDir(prefix = "data"): string {
  mkdirSync(TEST_ROOT, { recursive: true });
  return mkdtempSync(join(TEST_ROOT, `${prefix}-`));
}

/** Starts a real skyrun in this process: real SQLite (or PostgreSQL), real Podman, real HTTP on a free port. */
export async function startTestServer(o: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = o.dataDir ?? makeDataDir();
  const schema = `t_${Math.random().toString(36).slice(2, 10)}`;
  const database = o.store === "postgres" ? `${inject("postgresUrl")}?options=-c%20search_path%3D${schema}` : undefined;
  const config = loadConfig(
    { dataDir, listen: "127.0.0.1:0", database },
    { SKYRUN_PODMAN_SOCKET: inject("engineSocket") },
    {
      capacity: { cores: 4, ramGB: 16 },
      local: { stopTimeoutSeconds: 2 },
      tls: o.tls ? { enabled: true, ...(typeof o.tls === "object" && o.tls.clientCaFile ? { clientCaFile: o.tls.clientCaFile } : {}) } : { enabled: false },
      ...o.overrides,
    },
  );
  if (o.store === "postgres") {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: inject("postgresUrl") });
    await client.connect();
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.end();
  }
  const server = await startServer(config, { log: o.log ?? pino({ level: process.env.SKYRUN_TEST_LOG ?? "error" }) });
  return {
    url: server.url,
    dataDir,
    server,
    caFile: server.tlsCaFile,
    base: (version = "v0") => `${server.url}/skaha/${version}`,
    async addUser(name, options = {}) {
      const user = await addUser(server.store, { name, uid: options.uid, groups: (options.groups ?? []).map(parseGroupSpec), dn: options.dn });
      const { token } = await createToken(server.store, name, null);
      return { user, token };
    },
    async close() {
      await server.close();
      if (o.dataDir) return; // a restart test starts it again on this directory: its jobs must live on
      await removeJobContainers(inject("engineSocket"), dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
