import type { Command } from "commander";
import { isDoneStatus, type SessionJson } from "../../client/index.js";
import { outputFormat, withClient, withConnectionOptions, withOutputOption, type ConnectionFlags, type OutputFlags } from "../client-command.js";
import { confirm } from "../confirm.js";
import { EXIT } from "../exit-codes.js";
import { renderData, renderTable, UsageError } from "../output.js";
import { deleteAndReport } from "./delete.js";

interface PruneFlags extends ConnectionFlags, OutputFlags {
  status?: string;
  kind: string;
  force?: boolean;
  dryRun?: boolean;
}

/**
 * How `prune` matches names: a plain prefix is literal and anchored (`sweep` matches
 * `sweep-1`, not `my-sweep`); a pattern with regex characters is a regular expression.
 */
export function nameMatcher(pattern: string): (name: string) => boolean {
  if (!/[.^$*+?{}[\]()|\\]/.test(pattern)) return (name) => name.startsWith(pattern);
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (e) {
    throw new UsageError(`${JSON.stringify(pattern)} is not a valid regular expression: ${(e as Error).message}`);
  }
  return (name) => re.test(name);
}

export function registerPruneCommand(program: Command): void {
  const command = program.command("prune")
    .description("delete your sessions whose name starts with PREFIX (default: only ended ones)")
    .argument("<prefix>", "name prefix, or a regular expression if it has regex characters (quote it)")
    .option("-s, --status <status>", "only sessions in this status (default: ended ones: Completed/Succeeded, Failed); 'any' for all")
    .option("-k, --kind <kind>", "session type", "headless")
    .option("-f, --force", "do not ask")
    .option("--dry-run", "only list what would be deleted");
  withOutputOption(withConnectionOptions(command)).action(async (prefix: string, f: PruneFlags) => {
    const format = outputFormat(f);
    const matches = nameMatcher(prefix);
    const anyStatus = f.status?.toLowerCase() === "any";
    await withClient(f, async (client) => {
      const listed = await client.list({ kind: f.kind, status: anyStatus ? undefined : f.status });
      const chosen: SessionJson[] = listed.filter((s) => matches(s.name ?? "") && (anyStatus || f.status !== undefined || isDoneStatus(s.status)));
      if (chosen.length === 0) {
        process.stderr.write(`skyrun: no ${f.kind} session${f.status ? ` in status ${f.status}` : " that ended"} matches ${JSON.stringify(prefix)}\n`);
        if (format !== "table") process.stdout.write(renderData([], format));
        return;
      }
      if (f.dryRun) {
        if (format !== "table") process.stdout.write(renderData(chosen.map((s) => ({ id: s.id, name: s.name, status: s.status })), format));
        else process.stdout.write(renderTable(["SESSION ID", "NAME", "STATUS"], chosen.map((s) => [s.id, s.name ?? "-", s.status])));
        return;
      }
      if (!f.force && !(await confirm(`Delete ${chosen.length} session(s): ${chosen.map((s) => s.name ?? s.id).join(", ")}?`))) {
        process.stderr.write("skyrun: nothing deleted\n");
        process.exitCode = EXIT.FAILURE;
        return;
      }
      process.exitCode = await deleteAndReport(client, chosen.map((s) => s.id), format, new Map(chosen.map((s) => [s.id, s.name ?? ""])));
    });
  });
}
