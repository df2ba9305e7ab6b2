import type { Command } from "commander";
import { outputFormat, withClient, withConnectionOptions, withOutputOption, type ConnectionFlags, type OutputFlags } from "../client-command.js";
import { renderData, renderTable, UsageError } from "../output.js";
import { byCreation, SESSION_HEADER, sessionRow } from "../session-rows.js";

interface PsFlags extends ConnectionFlags, OutputFlags {
  all?: boolean;
  quiet?: boolean;
  kind?: string;
  status?: string;
}

/** Without -a or -s, `ps` shows what is still going on, as `docker ps` and the platform's CLI do. */
const ACTIVE = /^(pending|running|terminating)$/i;

export function registerPsCommand(program: Command): void {
  const command = program.command("ps").alias("ls")
    .description("list your sessions (by default only Pending and Running ones)")
    .option("-a, --all", "also sessions that ended")
    .option("-q, --quiet", "print only session ids, one per line")
    .option("-k, --kind <kind>", "only this session type, e.g. headless")
    .option("-s, --status <status>", "only this status: Pending, Running, Completed (or Succeeded), Failed, Terminating");
  withOutputOption(withConnectionOptions(command)).action(async (f: PsFlags) => {
    const format = outputFormat(f);
    if (f.quiet && format !== "table") throw new UsageError("-q prints ids only; leave out -o for it, or use -o json");
    const sessions = await withClient(f, (client) => client.list({ kind: f.kind, status: f.status }));
    const shown = sessions.filter((s) => f.all || f.status !== undefined || ACTIVE.test(s.status)).sort(byCreation);
    if (f.quiet) return void process.stdout.write(shown.map((s) => `${s.id}\n`).join(""));
    if (format !== "table") return void process.stdout.write(renderData(shown, format));
    const now = Date.now();
    process.stdout.write(renderTable(SESSION_HEADER, shown.map((s) => sessionRow(s, now))));
  });
}
