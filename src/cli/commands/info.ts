import type { Command } from "commander";
import { outputFormat, withClient, withConnectionOptions, withOutputOption, type ConnectionFlags, type OutputFlags } from "../client-command.js";
import { reportItemFailures } from "../client-error-report.js";
import { renderData, renderTable } from "../output.js";
import { fieldRows } from "../session-rows.js";

type InfoFlags = ConnectionFlags & OutputFlags;

export function registerInfoCommand(program: Command): void {
  const command = program.command("info")
    .description("show everything about sessions")
    .argument("<ids...>", "session ids");
  withOutputOption(withConnectionOptions(command)).action(async (ids: string[], f: InfoFlags) => {
    const format = outputFormat(f);
    const result = await withClient(f, (client) => client.infoMany(ids));
    const exit = reportItemFailures(result.failed);
    const sessions = result.succeeded.map((x) => x.value);
    if (format !== "table") process.stdout.write(renderData(sessions, format));
    else process.stdout.write(sessions.map((s) => renderTable(["FIELD", "VALUE"], fieldRows(s))).join("\n"));
    process.exitCode = exit;
  });
}
