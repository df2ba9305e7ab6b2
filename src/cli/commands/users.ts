import type { Command } from "commander";
import type { Config } from "../../config/config-schema.js";
import { loadConfig } from "../../config/load-config.js";
import { AppError } from "../../domain/errors.js";
import { addUser, parseGroupSpec, removeUser } from "../../identity/user-admin.js";
import { openAdministration } from "../../main.js";
import { collect } from "../client-command.js";
import { createDataLayout } from "../../storage/data-layout.js";
import { createJobDirectories } from "../../storage/job-directories.js";
import type { Store, User } from "../../store/store.js";
import { parseOutputFormat, renderData, renderTable, UsageError } from "../output.js";
import { cliEnvironment } from "../cli-environment.js";

interface StoreFlags {
  dataDir?: string;
  database?: string;
}

/** Runs `work` against the data directory's store and closes it. */
export async function withStore<T>(flags: StoreFlags, work: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig({ dataDir: flags.dataDir, database: flags.database }, cliEnvironment());
  const store = await openAdministration(config);
  try {
    return await work(store, config);
  } finally {
    await store.close();
  }
}

const userData = (u: User) => ({ name: u.name, uid: u.uid, gid: u.uid, groups: u.groups.map((g) => ({ name: g.name, gid: g.gid })), dn: u.dn, priority: u.priority });

/** A priority: a whole number, higher first. */
export function parsePriority(raw: string): number {
  if (!/^-?\d{1,6}$/.test(raw)) throw new UsageError(`priority ${JSON.stringify(raw)}: expected a whole number, e.g. 10 (higher runs first)`);
  return Number(raw);
}

export function registerUsersCommand(program: Command): void {
  const users = program.command("users").description("manage the users whose jobs skyrun runs (operators)");
  const common = (c: Command) => c.option("--data-dir <dir>", "data directory of the server").option("--database <url>", "database URL, if not the data directory's SQLite");

  common(users.command("add <name>")
    .description("add a user; their jobs run with this uid, gid = uid, and the groups' gids")
    .option("--uid <n>", "numeric uid (default: the next free one from 10000)")
    .option("--group <name:gid>", "a group the user belongs to (repeatable)", collect, [])
    .option("--dn <dn>", "X.509 subject DN that maps to this user: /C=ca/O=hia/OU=cadc/CN=alice or CN=alice,OU=cadc,O=hia,C=ca"))
    .action(async (name: string, o: StoreFlags & { uid?: string; group: string[]; dn?: string }) => {
      const user = await withStore(o, async (store, config) => {
        const added = await addUser(store, {
          name,
          uid: o.uid === undefined ? undefined : Number(o.uid),
          groups: o.group.map(parseGroupSpec),
          dn: o.dn,
        });
        try {
          createJobDirectories(createDataLayout(config.dataDir, config.storage.arcRoot)).ensureProjects(added.groups);
        } catch (e) {
          process.stderr.write(`skyrun: could not create the project directories of ${added.name}'s groups now (${e instanceof Error ? e.message : String(e)}); they are created when one of their jobs starts\n`);
        }
        return added;
      });
      process.stdout.write(`added user ${user.name} (uid ${user.uid}${user.groups.length > 0 ? `, groups ${user.groups.map((g) => `${g.name}:${g.gid}`).join(", ")}` : ""})\n`);
    });

  common(users.command("list").alias("ls").description("list users").option("-o, --output <format>", "table, json or yaml", "table"))
    .action(async (o: StoreFlags & { output: string }) => {
      const format = parseOutputFormat(o.output);
      const list = await withStore(o, (store) => store.users.list());
      if (format !== "table") return void process.stdout.write(renderData(list.map(userData), format));
      process.stdout.write(renderTable(["NAME", "UID", "GROUPS", "PRIORITY", "DN"], list.map((u) => [u.name, String(u.uid), u.groups.map((g) => `${g.name}:${g.gid}`).join(",") || "-", String(u.effectivePriority), u.dn ?? "-"])));
    });

  common(users.command("priority <name> <priority>").description("set a user's scheduling priority (higher runs first; default 0)"))
    .action(async (name: string, priority: string, o: StoreFlags) => {
      const value = parsePriority(priority);
      if (!(await withStore(o, (store) => store.users.setPriority("user", name, value)))) throw new AppError("NOT_FOUND", `no user named ${name}`);
      process.stdout.write(`user ${name} now has priority ${value}\n`);
    });

  common(users.command("remove <name>").alias("rm").description("remove a user and revoke their tokens"))
    .action(async (name: string, o: StoreFlags) => {
      await withStore(o, (store) => removeUser(store, name));
      process.stdout.write(`removed user ${name}\n`);
    });
}
