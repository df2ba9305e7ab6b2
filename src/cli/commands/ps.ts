import type { Command } from "commander";
import { outputFormat, withClient, withConnectionOptions, withOutputOption, type ConnectionFlags, type OutputFlags } from "../client-command.js";
import type { BatchJson } from "../../client/index.js";
import { renderData, renderTable, UsageError } from "../output.js";
import { byCreation, SESSION_HEADER, sessionRow } from "../session-rows.js";

interface PsFlags extends ConnectionFlags, OutputFlags {
  all?: boolean;
  quiet?: boolean;
  kind?: string;
  status?: string;
  batch?: boolean;
  by?: string;
}

/** condor_q's batch view: a set, a DAG or a label group on one line, with its counts. */
const BATCH_HEADER = ["OWNER", "BATCH NAME", "SUBMITTED", "DONE", "RUN", "IDLE", "HOLD", "TOTAL", "KEY"];
const count = (n: number): string => (n === 0 ? "_" : String(n));
function batchRow(b: BatchJson): string[] {
  return [b.owner, b.name, b.submitted.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, ""), count(b.done), count(b.run), count(b.idle), count(b.hold), String(b.total), b.key];
}

/** Without -a or -s, `ps` shows what is still going on, as `docker ps` and the platform's CLI do. */
const ACTIVE = /^(pending|running|terminating)$/i;

export function registerPsCommand(program: Command): void {
  const command = program.command("ps").alias("ls")
    .description("list your sessions (by default only Pending and Running ones)")
    .option("-a, --all", "also sessions that ended")
    .option("-q, --quiet", "print only session ids, one per line")
    .option("-k, --kind <kind>", "only this session type, e.g. headless")
    .option("-s, --status <status>", "only this status: Pending, Running, Completed (or Succeeded), Failed, Terminating")
    .option("-b, --batch", "one line per set or DAG (sessions joined by dependsOn) with DONE/RUN/IDLE/HOLD/TOTAL counts, as condor_q; with -a also ended ones still listed")
    .option("--by <grouping>", "batches by dag (the default), set, or label:<key> (implies --batch)");
  withOutputOption(withConnectionOptions(command)).action(async (f: PsFlags) => {
    const format = outputFormat(f);
    if (f.quiet && format !== "table") throw new UsageError("-q prints ids only; leave out -o for it, or use -o json");
    if (f.batch || f.by !== undefined) {
      if (f.quiet || f.kind !== undefined || f.status !== undefined) throw new UsageError("--batch counts every session of a batch: leave out -q, -k and -s");
      const batches = await withClient(f, (client) => client.batches(f.by, { all: f.all === true }));
      if (format !== "table") return void process.stdout.write(renderData(batches, format));
      return void process.stdout.write(renderTable(BATCH_HEADER, batches.map(batchRow)));
    }
    const sessions = await withClient(f, (client) => client.list({ kind: f.kind, status: f.status }));
    const shown = sessions.filter((s) => f.all || f.status !== undefined || ACTIVE.test(s.status)).sort(byCreation);
    if (f.quiet) return void process.stdout.write(shown.map((s) => `${s.id}\n`).join(""));
    if (format !== "table") return void process.stdout.write(renderData(shown, format));
    const now = Date.now();
    process.stdout.write(renderTable(SESSION_HEADER, shown.map((s) => sessionRow(s, now))));
  });
}
