import type { Command } from "commander";
import { AppError } from "../../domain/errors.js";
import { removeGroup } from "../../identity/user-admin.js";
import { parseOutputFormat, renderData, renderTable } from "../output.js";
import { parsePriority, withStore } from "./users.js";

/** `skyrun groups`: the POSIX groups users belong to, and their scheduling priority. */
export function registerGroupsCommand(program: Command): void {
  const groups = program.command("groups").description("list groups and set their scheduling priority (operators)");
  const common = (c: Command) => c.option("--data-dir <dir>", "data directory of the server").option("--database <url>", "database URL, if not the data directory's SQLite");

  common(groups.command("list").alias("ls").description("list groups").option("-o, --output <format>", "table, json or yaml", "table"))
    .action(async (o: { dataDir?: string; database?: string; output: string }) => {
      const format = parseOutputFormat(o.output);
      const list = await withStore(o, (store) => store.users.listGroups());
      if (format !== "table") return void process.stdout.write(renderData(list, format));
      process.stdout.write(renderTable(["NAME", "GID", "PRIORITY"], list.map((g) => [g.name, String(g.gid), String(g.priority)])));
    });

  common(groups.command("priority <name> <priority>").description("set a group's priority; members' jobs get the highest of theirs and their groups'"))
    .action(async (name: string, priority: string, o: { dataDir?: string; database?: string }) => {
      const value = parsePriority(priority);
      if (!(await withStore(o, (store) => store.users.setPriority("group", name, value)))) throw new AppError("NOT_FOUND", `no group named ${name}`);
      process.stdout.write(`group ${name} now has priority ${value}\n`);
    });

  common(groups.command("remove <name>").alias("rm").description("remove a group and its memberships; its gid is never given to anyone else"))
    .action(async (name: string, o: { dataDir?: string; database?: string }) => {
      await withStore(o, (store) => removeGroup(store, name));
      process.stdout.write(`removed group ${name}; /arc/projects/${name} is left as it is\n`);
    });
}
