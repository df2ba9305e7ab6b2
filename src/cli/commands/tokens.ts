import type { Command } from "commander";
import { createToken, revokeToken } from "../../identity/user-admin.js";
import { parseOutputFormat, renderData, renderTable } from "../output.js";
import { withStore } from "./users.js";
import { formatInstant } from "../../client/index.js";

const iso = (d: Date | null) => (d ? formatInstant(d) : "-");

export function registerTokensCommand(program: Command): void {
  const tokens = program.command("tokens").description("manage API tokens (operators)");
  const common = (c: Command) => c.option("--data-dir <dir>", "data directory of the server").option("--database <url>", "database URL, if not the data directory's SQLite");

  common(tokens.command("create <user>")
    .description("create an API token for a user; the token is printed once, on the last line")
    .option("--label <text>", "a note to recognise the token by"))
    .action(async (user: string, o: { dataDir?: string; database?: string; label?: string }) => {
      const { token, info } = await withStore(o, (store) => createToken(store, user, o.label ?? null));
      process.stderr.write(`created token ${info.id} for ${user}; keep it secret, it is not shown again:\n`);
      process.stdout.write(`${token}\n`);
    });

  common(tokens.command("revoke <id>").description("revoke a token by its id (or the token itself)"))
    .action(async (id: string, o: { dataDir?: string; database?: string }) => {
      await withStore(o, (store) => revokeToken(store, id));
      process.stdout.write(`revoked token ${id.replace(/^skyrun_([0-9a-f]{8})_.*$/, "$1")}\n`);
    });

  common(tokens.command("list").alias("ls").description("list tokens (never their secrets)")
    .option("--user <name>", "only this user's tokens")
    .option("-o, --output <format>", "table, json or yaml", "table"))
    .action(async (o: { dataDir?: string; database?: string; user?: string; output: string }) => {
      const format = parseOutputFormat(o.output);
      const list = await withStore(o, (store) => store.tokens.list(o.user));
      if (format !== "table") return void process.stdout.write(renderData(list, format));
      process.stdout.write(renderTable(["ID", "USER", "LABEL", "CREATED", "REVOKED"], list.map((t) => [t.id, t.userName, t.label ?? "-", iso(t.createdAt), iso(t.revokedAt)])));
    });
}
