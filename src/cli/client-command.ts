import type { Command } from "commander";
import packageJson from "../../package.json" with { type: "json" };
import { createClient, loadClientSettings, toClientOptions, type ClientSettings, type LoadedSettings, type SkyrunClient } from "../client/index.js";
import { parseOutputFormat, UsageError, type OutputFormat } from "./output.js";
import { cliEnvironment } from "./cli-environment.js";

/** This CLI's version, sent in the User-Agent. */
export const CLI_VERSION: string = packageJson.version;

/** Flags every user command takes to pick a server and credentials for one call. */
export interface ConnectionFlags {
  url?: string;
  cert?: string;
  ca?: string;
  apiVersion?: string;
}

export interface OutputFlags {
  output: string;
}

/**
 * Adds `--url`, `--cert`, `--ca` and `--api-version`, which win over SKYRUN_* and the
 * settings file. `certFlags` spells the certificate option differently (canfar_submit's `-c, --cert`).
 */
export function withConnectionOptions(command: Command, certFlags = "--cert <pem>"): Command {
  return command
    .option("--url <url>", "server URL (default: SKYRUN_URL, then the settings of skyrun login)")
    .option(certFlags, "client certificate and key PEM, e.g. ~/.ssl/cadcproxy.pem (default: SKYRUN_CERT)")
    .option("--ca <pem>", "CA certificates to trust, for a server with a private CA (default: SKYRUN_CA)")
    .option("--api-version <v>", "skaha API version: v0 or v1 (default v1, or as the URL says)");
}

/** Adds `-o/--output`. */
export function withOutputOption(command: Command): Command {
  return command.option("-o, --output <format>", "table, json or yaml", "table");
}

/** The flags as settings; the token is never a flag (it would show in `ps` and shell history). */
export function flagSettings(flags: ConnectionFlags): ClientSettings {
  const out: Record<string, string> = {};
  if (flags.url !== undefined) out.url = flags.url;
  if (flags.cert !== undefined) out.cert = flags.cert;
  if (flags.ca !== undefined) out.ca = flags.ca;
  if (flags.apiVersion !== undefined) {
    if (flags.apiVersion !== "v0" && flags.apiVersion !== "v1") throw new UsageError(`--api-version ${flags.apiVersion}: allowed: v0, v1`);
    out.apiVersion = flags.apiVersion;
  }
  return out;
}

/** The settings in effect for this command; warnings go to stderr. */
export function loadSettings(flags: ConnectionFlags): LoadedSettings {
  const loaded = loadClientSettings({ env: cliEnvironment(), flags: flagSettings(flags) });
  for (const w of loaded.warnings) process.stderr.write(`skyrun: warning: ${w}\n`);
  return loaded;
}

/** A client for the server the flags, environment and settings file name. */
export function openClient(flags: ConnectionFlags): SkyrunClient {
  const { settings } = loadSettings(flags);
  return createClient({ ...toClientOptions(settings), userAgent: `skyrun-cli/${CLI_VERSION}` });
}

/** Runs `work` with a client and closes it afterwards. */
export async function withClient<T>(flags: ConnectionFlags, work: (client: SkyrunClient) => Promise<T>): Promise<T> {
  const client = openClient(flags);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

export const outputFormat = (flags: OutputFlags): OutputFormat => parseOutputFormat(flags.output);

/** An AbortSignal that fires on Ctrl-C (SIGINT) or SIGTERM, so long waits and follows end cleanly. */
export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return controller.signal;
}

/** Parses a whole number flag; the message names the flag. */
export function parseCount(flag: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min) throw new UsageError(`${flag} ${value}: give a whole number${min > 0 ? ` of at least ${min}` : ""}`);
  return Number(value);
}

/** Parses a positive number flag (cores, RAM, seconds). */
export function parseNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} ${value}: give a number above 0`);
  return n;
}

/** Collects a repeatable option. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];
