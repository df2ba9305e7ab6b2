import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { Kysely, SqliteDialect, PostgresDialect, sql } from "kysely";
import { ChangeSequence } from "./change-sequence.js";
import { createKyselyEventStore, createKyselyJobStore } from "./kysely-job-store.js";
import { createKyselyTesTaskStore } from "./kysely-tes-task-store.js";
import { createKyselyTokenStore } from "./kysely-token-store.js";
import { createKyselyUsageStore } from "./kysely-usage-store.js";
import { createKyselyUserStore } from "./kysely-user-store.js";
import { migrate } from "./migrate.js";
import type { Database } from "./schema.js";
import { withStatementCache } from "./statement-cache.js";
import type { Store } from "./store.js";
import { systemClock, type Clock } from "../domain/clock.js";

export type StoreConfig =
  | { readonly driver: "sqlite"; readonly path: string }
  | { readonly driver: "postgres"; readonly url: string };

export interface StoreOptions {
  /** Stamps job changes. @defaultValue the system clock */
  readonly clock?: Clock;
  /** PostgreSQL only: the schema to use (created when missing). Tests use one per test file. */
  readonly schema?: string;
  /** Pool size for PostgreSQL. @defaultValue 10 */
  readonly poolSize?: number;
}

/**
 * The database holds users, token hashes, sealed registry credentials and every job's
 * command: owner only (issue 11). SQLite gives the -wal and -shm files the database
 * file's mode, so creating it 0600 covers them; existing files are set right too.
 */
function keepOwnerOnly(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
}

async function openSqlite(path: string): Promise<Kysely<Database>> {
  const { default: SQLite } = await import("better-sqlite3");
  if (path !== ":memory:") {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (!existsSync(path)) closeSync(openSync(path, "a", 0o600));
    keepOwnerOnly(path);
  }
  const database = new SQLite(path);
  // WAL: readers never block the writer; NORMAL sync is durable across process crashes (not power loss).
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("busy_timeout = 5000");
  database.pragma("foreign_keys = ON");
  if (path !== ":memory:") keepOwnerOnly(path);
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
}

async function openPostgres(url: string, options: StoreOptions): Promise<Kysely<Database>> {
  // Loaded lazily so SQLite-only installs never need the PostgreSQL driver.
  const { default: pg } = await import("pg");
  pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v)); // BIGINT epoch-ms and counts fit in a double
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  if (options.schema) await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(options.schema)}`.execute(db);
  return db;
}

/** Opens the database, applies pending migrations and returns the store. */
export async function openStore(config: StoreConfig, options: StoreOptions = {}): Promise<Store> {
  const db = config.driver === "sqlite" ? await openSqlite(config.path) : await openPostgres(config.url, options);
  let changes: ChangeSequence;
  try {
    await migrate(db, config.driver);
    changes = await ChangeSequence.load(db, options.clock ?? systemClock);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return {
    dialect: config.driver,
    jobs: createKyselyJobStore(db, changes),
    events: createKyselyEventStore(db),
    users: createKyselyUserStore(db),
    tokens: createKyselyTokenStore(db),
    tesTasks: createKyselyTesTaskStore(db),
    usage: createKyselyUsageStore(db),
    close: () => db.destroy(),
  };
}
