import type { Command } from "commander";
import { isClientError } from "../../client/index.js";
import { interruptSignal, outputFormat, parseCount, withClient, withConnectionOptions, withOutputOption, type ConnectionFlags, type OutputFlags } from "../client-command.js";
import { exitForFailures, shortReason } from "../client-error-report.js";
import { followToStream } from "../log-printer.js";
import { renderData, UsageError } from "../output.js";

interface LogsFlags extends ConnectionFlags, OutputFlags {
  follow?: boolean;
  tail?: string;
}

export function registerLogsCommand(program: Command): void {
  const command = program.command("logs")
    .description("print a session's output (stdout and stderr); -f follows it until the session ends")
    .argument("<ids...>", "session id (several: each log under a header; with -f, lines prefixed)")
    .option("-f, --follow", "keep printing output as it is written, until the session ends")
    .option("--tail <n>", "only the last N lines");
  withOutputOption(withConnectionOptions(command)).action(async (ids: string[], f: LogsFlags) => {
    const format = outputFormat(f);
    const tail = parseCount("--tail", f.tail);
    if (f.follow && format !== "table") throw new UsageError("-f streams text; it cannot be combined with -o json or yaml");
    await withClient(f, async (client) => {
      if (f.follow) {
        const failures = await followToStream(client, ids.map((id) => ({ id, label: id })), process.stdout, interruptSignal(), tail);
        for (const x of failures) process.stderr.write(`skyrun: ${x.id}: ${isClientError(x.error) ? shortReason(x.error) : String(x.error)}\n`);
        const errors = failures.flatMap((x) => (isClientError(x.error) ? [x.error] : []));
        process.exitCode = exitForFailures(errors);
        return;
      }
      const errors = [];
      const logs: { id: string; logs: string }[] = [];
      for (const id of ids) {
        try {
          logs.push({ id, logs: await client.logs(id, { tail }) });
        } catch (e) {
          if (!isClientError(e)) throw e;
          process.stderr.write(`skyrun: ${id}: ${shortReason(e)}\n`);
          errors.push(e);
        }
      }
      if (format !== "table") process.stdout.write(renderData(logs, format));
      else if (ids.length === 1) process.stdout.write(logs[0]?.logs ?? "");
      else process.stdout.write(logs.map((l) => `==> ${l.id} <==\n${l.logs}${l.logs === "" || l.logs.endsWith("\n") ? "" : "\n"}`).join("\n"));
      process.exitCode = exitForFailures(errors);
    });
  });
}
