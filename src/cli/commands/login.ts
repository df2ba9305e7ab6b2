import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { createClient, settingsPath, toClientOptions, writeSettingsFile, type ClientSettings } from "../../client/index.js";
import { CLI_VERSION, flagSettings, outputFormat, withOutputOption, type ConnectionFlags, type OutputFlags } from "../client-command.js";
import { renderData, UsageError } from "../output.js";
import { promptSecret, readStdin } from "../secret-input.js";
import { cliEnvironment } from "../cli-environment.js";

interface LoginFlags extends ConnectionFlags, OutputFlags {
  tokenStdin?: boolean;
}

/** The credentials to save: --token-stdin, --cert, SKYRUN_TOKEN/SKYRUN_CERT, a prompt, or the platform's proxy certificate. */
async function credentials(f: LoginFlags): Promise<ClientSettings> {
  if (f.tokenStdin) {
    const token = await readStdin();
    if (token === "") throw new UsageError("--token-stdin: stdin was empty; pipe the token in, e.g. skyrun login URL --token-stdin < token.txt");
    return { token };
  }
  if (f.cert !== undefined) return {};
  if (cliEnvironment().SKYRUN_TOKEN) return { token: cliEnvironment().SKYRUN_TOKEN };
  if (cliEnvironment().SKYRUN_CERT) return { cert: cliEnvironment().SKYRUN_CERT };
  if (process.stdin.isTTY && process.stderr.isTTY) {
    const token = await promptSecret("API token (empty to use a certificate): ");
    if (token !== "") return { token };
  }
  const proxy = join(homedir(), ".ssl", "cadcproxy.pem");
  if (existsSync(proxy)) return { cert: proxy };
  throw new UsageError("no credentials: give --token-stdin, --cert FILE, or set SKYRUN_TOKEN");
}

export function registerLoginCommand(program: Command): void {
  const command = program.command("login")
    .description("check credentials against a server and save them for later commands (mode 0600)")
    .argument("[url]", "server URL, e.g. http://127.0.0.1:8080 or https://ws-uv.canfar.net/skaha")
    .option("--token-stdin", "read the API token from stdin (keeps it out of shell history)")
    .option("--cert <pem>", "client certificate and key PEM, e.g. ~/.ssl/cadcproxy.pem")
    .option("--ca <pem>", "CA certificates to trust, for a server with a private CA")
    .option("--api-version <v>", "skaha API version: v0 or v1");
  withOutputOption(command).action(async (url: string | undefined, f: LoginFlags) => {
    const format = outputFormat(f);
    const given = flagSettings({ ...f, url: url ?? f.url ?? cliEnvironment().SKYRUN_URL });
    if (given.url === undefined) throw new UsageError("give the server URL: skyrun login URL");
    const settings: ClientSettings = { ...given, ...(await credentials(f)) };
    const client = createClient({ ...toClientOptions(settings), userAgent: `skyrun-cli/${CLI_VERSION}` });
    try {
      const sessions = await client.list();
      const server = await client.server();
      const path = settingsPath(cliEnvironment());
      writeSettingsFile(path, settings);
      const result = { url: settings.url, apiBase: client.baseUrl, server: server.kind, serverVersion: server.version ?? null, auth: settings.token !== undefined ? "token" : "certificate", sessions: sessions.length, settingsFile: path };
      if (format !== "table") return void process.stdout.write(renderData(result, format));
      process.stdout.write(`Logged in to ${client.baseUrl} (${server.kind === "skyrun" ? `skyrun ${server.version ?? ""}`.trim() : "the platform's skaha"}) with a ${result.auth}; you have ${sessions.length} session(s).\nSettings saved in ${path}.\n`);
    } finally {
      await client.close();
    }
  });
}
