import type { Command } from "commander";
import { outputFormat, withClient, withConnectionOptions, withOutputOption, type ConnectionFlags, type OutputFlags } from "../client-command.js";
import { reportItemFailures, shortReason } from "../client-error-report.js";
import { renderData, renderTable } from "../output.js";

type RenewFlags = ConnectionFlags & OutputFlags;

export function registerRenewCommand(program: Command): void {
  const command = program.command("renew")
    .description("extend running sessions' expiry by the server's renewal period")
    .argument("<ids...>", "session ids");
  withOutputOption(withConnectionOptions(command)).action(async (ids: string[], f: RenewFlags) => {
    const format = outputFormat(f);
    await withClient(f, async (client) => {
      const renewed = await client.renewMany(ids);
      // The server answers nothing; read the expiry back so the user sees the effect.
      const after = await client.infoMany(renewed.succeeded.map((x) => x.key));
      const expiry = new Map(after.succeeded.map((x) => [x.key, x.value.expiryTime]));
      const exit = reportItemFailures(renewed.failed);
      const rows: { id: string; renewed: boolean; expiryTime?: string | undefined; error?: string }[] = renewed.items.map((x) =>
        (x.ok ? { id: x.key, renewed: true, expiryTime: expiry.get(x.key) } : { id: x.key, renewed: false, error: shortReason(x.error) }));
      if (format !== "table") process.stdout.write(renderData(rows, format));
      else process.stdout.write(renderTable(["SESSION ID", "RESULT", "EXPIRES"], rows.map((r) => [r.id, r.renewed ? "renewed" : `failed: ${r.error ?? ""}`, r.expiryTime ?? "-"])));
      process.exitCode = exit;
    });
  });
}
