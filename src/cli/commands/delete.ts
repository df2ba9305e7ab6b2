import type { Command } from "commander";
import type { BulkResult, SkyrunClient } from "../../client/index.js";
import { outputFormat, withClient, withConnectionOptions, withOutputOption, type ConnectionFlags, type OutputFlags } from "../client-command.js";
import { reportItemFailures, shortReason } from "../client-error-report.js";
import { confirm } from "../confirm.js";
import { EXIT } from "../exit-codes.js";
import { renderData, renderTable, type OutputFormat } from "../output.js";

interface DeleteFlags extends ConnectionFlags, OutputFlags {
  force?: boolean;
}

/** Deletes `ids` and prints one result per id; returns the exit status. Shared with `prune`. */
export async function deleteAndReport(client: SkyrunClient, ids: readonly string[], format: OutputFormat, names?: ReadonlyMap<string, string>): Promise<number> {
  const result: BulkResult<string, undefined> = await client.deleteMany(ids);
  const exit = reportItemFailures(result.failed);
  const rows = result.items.map((x) => ({ id: x.key, ...(names?.has(x.key) ? { name: names.get(x.key) } : {}), deleted: x.ok, ...(x.ok ? {} : { error: shortReason(x.error) }) }));
  if (format !== "table") process.stdout.write(renderData(rows, format));
  else process.stdout.write(renderTable(["SESSION ID", "RESULT"], rows.map((r) => [r.id, r.deleted ? "deleted" : `failed: ${r.error ?? ""}`])));
  return exit;
}

export function registerDeleteCommand(program: Command): void {
  const command = program.command("delete").alias("rm")
    .description("delete (stop) sessions; asks first on a terminal unless -f")
    .argument("<ids...>", "session ids")
    .option("-f, --force", "do not ask");
  withOutputOption(withConnectionOptions(command)).action(async (ids: string[], f: DeleteFlags) => {
    const format = outputFormat(f);
    if (!f.force && !(await confirm(`Delete ${ids.length} session(s): ${ids.join(", ")}?`))) {
      process.stderr.write("skyrun: nothing deleted\n");
      process.exitCode = EXIT.FAILURE;
      return;
    }
    process.exitCode = await withClient(f, (client) => deleteAndReport(client, ids, format));
  });
}
