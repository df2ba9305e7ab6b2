import type { Command } from "commander";
import { isClientError } from "../../client/index.js";
import { CLI_VERSION, openClient, outputFormat, withConnectionOptions, withOutputOption, type ConnectionFlags, type OutputFlags } from "../client-command.js";
import { shortReason } from "../client-error-report.js";
import { renderData } from "../output.js";

type VersionFlags = ConnectionFlags & OutputFlags;

export function registerVersionCommand(program: Command): void {
  const command = program.command("version").description("this CLI's version and, if one is configured, the server's");
  withOutputOption(withConnectionOptions(command)).action(async (f: VersionFlags) => {
    const format = outputFormat(f);
    let server: { url: string; kind: string; version: string | null } | { error: string } | null = null;
    try {
      const client = openClient(f);
      try {
        const s = await client.server();
        server = { url: client.baseUrl, kind: s.kind, version: s.version ?? null };
      } finally {
        await client.close();
      }
    } catch (e) {
      if (!isClientError(e)) throw e;
      server = e.kind === "invalid" ? null : { error: shortReason(e) };
    }
    if (format !== "table") return void process.stdout.write(renderData({ client: CLI_VERSION, server }, format));
    process.stdout.write(`skyrun CLI ${CLI_VERSION}\n`);
    if (server && "error" in server) process.stdout.write(`server: unreachable (${server.error})\n`);
    else if (server) process.stdout.write(`server: ${server.kind === "skyrun" ? `skyrun ${server.version ?? "?"}` : "the platform's skaha"} at ${server.url}\n`);
  });
}
