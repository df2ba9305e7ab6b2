import { inject } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type StoreConfig, type StoreOptions } from "../open-store.js";
import type { Store } from "../store.js";

export type Driver = "sqlite" | "postgres";
export const DRIVERS: readonly Driver[] = ["sqlite", "postgres"];

/** A fresh, migrated store: SQLite in memory, or a new schema in the test PostgreSQL. */
export async function freshStore(driver: Driver): Promise<Store> {
  if (driver === "sqlite") return openStore({ driver: "sqlite", path: ":memory:" });
  const schema = `t_${Math.random().toString(36).slice(2, 12)}`;
  return openStore({ driver: "postgres", url: inject("postgresUrl") }, { schema, poolSize: 3 });
}

/** A database that outlives one store, plus a way to run raw SQL on it (for tests that tamper). */
export async function persistentTarget(driver: Driver): Promise<{ config: StoreConfig; options: StoreOptions; execute(statement: string): Promise<void> }> {
  if (driver === "sqlite") {
    const path = join(mkdtempSync(join(tmpdir(), "skyrun-store-")), "t.db");
    const { default: SQLite } = await import("better-sqlite3");
    return {
      config: { driver: "sqlite", path },
      options: {},
      async execute(statement) {
        const db = new SQLite(path);
        db.exec(statement);
        db.close();
      },
    };
  }
  const schema = `t_${Math.random().toString(36).slice(2, 12)}`;
  const url = inject("postgresUrl");
  const { default: pg } = await import("pg");
  return {
    config: { driver: "postgres", url },
    options: { schema, poolSize: 2 },
    async execute(statement) {
      const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
      await client.connect();
      await client.query(statement);
      await client.end();
    },
  };
}
