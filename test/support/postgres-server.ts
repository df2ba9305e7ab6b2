import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TEST_ROOT } from "./paths.js";

const PG_BIN = "/usr/lib/postgresql/15/bin";

export interface PostgresServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** Runs a command as the `postgres` system user (initdb refuses root). */
function asPostgres(command: string, args: string[]): void {
  const r = spawnSync("runuser", ["-u", "postgres", "--", command, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr || r.stdout}`);
}

/**
 * A private PostgreSQL 15 cluster on a loopback port, trust-authenticated, in a fresh
 * directory; stopped and removed afterwards.
 */
export async function startPostgres(port = Number(process.env.SKYRUN_TEST_PG_PORT ?? 54329)): Promise<PostgresServer> {
  const dir = join(TEST_ROOT, `pg-${port}`);
  const data = join(dir, "data");
  if (existsSync(join(data, "postmaster.pid"))) spawnSync("runuser", ["-u", "postgres", "--", `${PG_BIN}/pg_ctl`, "-D", data, "-m", "immediate", "stop"]);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  chownSync(dir, Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" })), Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" })));
  asPostgres(`${PG_BIN}/initdb`, ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  writeFileSync(join(data, "postgresql.auto.conf"), `listen_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${dir}'\nfsync = off\nmax_connections = 300\n`);
  asPostgres(`${PG_BIN}/pg_ctl`, ["-D", data, "-l", join(dir, "log"), "-w", "start"]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      spawnSync("runuser", ["-u", "postgres", "--", `${PG_BIN}/pg_ctl`, "-D", data, "-m", "fast", "-w", "stop"]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
