import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sql, type Kysely } from "kysely";
import type { Database, Dialect } from "./schema.js";

/** Arbitrary constant naming skyrun's migration lock among PostgreSQL advisory locks. */
const MIGRATION_LOCK_KEY = 727_007_001;

interface Migration {
  readonly version: number;
  readonly file: string;
  readonly sql: string;
}

/** Numbered, forward-only SQL files: `migrations/<dialect>/0001_name.sql`. */
export function loadMigrations(dialect: Dialect): Migration[] {
  const dir = fileURLToPath(new URL(`./migrations/${dialect}/`, import.meta.url));
  return readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((file) => ({ version: Number(file.slice(0, 4)), file, sql: readFileSync(dir + file, "utf8") }));
}

/** Thrown when the database was migrated by a newer skyrun than this one. */
export class SchemaTooNewError extends Error {
  override name = "SchemaTooNewError";
}

/**
 * Applies pending migrations, each in its own transaction; under an advisory lock on
 * PostgreSQL so two servers starting together do not race. Refuses to run against a
 * schema newer than the code.
 */
export async function migrate(db: Kysely<Database>, dialect: Dialect): Promise<number[]> {
  const migrations = loadMigrations(dialect);
  await sql`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`.execute(db);
  const run = async (conn: Kysely<Database>): Promise<number[]> => {
    const rows = await conn.selectFrom("schema_migrations").select("version").execute();
    const applied = new Set(rows.map((r) => Number(r.version)));
    const newest = migrations.at(-1)?.version ?? 0;
    const unknown = [...applied].filter((v) => v > newest);
    if (unknown.length > 0) {
      throw new SchemaTooNewError(`the database schema is at version ${Math.max(...unknown)}, newer than this skyrun knows (${newest}); upgrade skyrun`);
    }
    const done: number[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await conn.transaction().execute(async (tx) => {
        for (const statement of splitStatements(m.sql)) await sql.raw(statement).execute(tx);
        await tx.insertInto("schema_migrations").values({ version: m.version, applied_at: Date.now() }).execute();
      });
      done.push(m.version);
    }
    return done;
  };
  if (dialect !== "postgres") return run(db);
  return db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
    try {
      return await run(conn);
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn);
    }
  });
}

/** Our migration files hold plain DDL: statements end with `;` at the end of a line. */
function splitStatements(text: string): string[] {
  return text.split(/;\s*$/m).map((s) => s.trim()).filter((s) => s.length > 0);
}
