import type { Command } from "commander";
import { runBulk, type SessionEventJson } from "../../client/index.js";
import { outputFormat, withClient, withConnectionOptions, withOutputOption, type ConnectionFlags, type OutputFlags } from "../client-command.js";
import { reportItemFailures } from "../client-error-report.js";
import { renderData, renderTable } from "../output.js";

type EventsFlags = ConnectionFlags & OutputFlags;

const row = (e: SessionEventJson): string[] => [e.type, e.reason, e.message, e.firstTime ?? "-", e.lastTime ?? "-", e.count === undefined ? "-" : String(e.count)];

export function registerEventsCommand(program: Command): void {
  const command = program.command("events")
    .description("what happened to sessions: queued, waiting and why, started, failed…")
    .argument("<ids...>", "session ids");
  withOutputOption(withConnectionOptions(command)).action(async (ids: string[], f: EventsFlags) => {
    const format = outputFormat(f);
    const result = await withClient(f, (client) => runBulk(ids, (id) => client.events(id)));
    const exit = reportItemFailures(result.failed);
    const found = result.succeeded.map((x) => ({ id: x.key, events: x.value }));
    if (format !== "table") {
      process.stdout.write(renderData(found, format));
    } else if (ids.length === 1) {
      process.stdout.write(renderTable(["TYPE", "REASON", "MESSAGE", "FIRST-SEEN", "LAST-SEEN", "COUNT"], (found[0]?.events ?? []).map(row)));
    } else {
      process.stdout.write(renderTable(["SESSION ID", "TYPE", "REASON", "MESSAGE", "FIRST-SEEN", "LAST-SEEN", "COUNT"], found.flatMap((x) => x.events.map((e) => [x.id, ...row(e)]))));
    }
    process.exitCode = exit;
  });
}
