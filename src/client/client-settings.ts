import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { InvalidRequestError } from "./client-error.js";
import type { ClientOptions } from "./skyrun-client.js";
import { API_VERSIONS, type ApiVersion } from "./service-url.js";

/**
 * Where a client connects and how it proves who it is: the settings `skyrun login` and
 * `skyrun config` save to `~/.config/skyrun/config.yaml`, which the CLI and SDK users
 * share. File paths are absolute once loaded.
 */
export interface ClientSettings {
  readonly url?: string | undefined;
  /** An API token, sent as `Authorization: Bearer`. Stored in clear in a file of mode 0600. */
  readonly token?: string | undefined;
  /** PEM file with client certificate and key, e.g. `~/.ssl/cadcproxy.pem`. */
  readonly cert?: string | undefined;
  /** PEM file of CA certificates to trust. */
  readonly ca?: string | undefined;
  readonly apiVersion?: ApiVersion | undefined;
}

export const SETTINGS_KEYS = ["url", "token", "cert", "ca", "apiVersion"] as const;
export type SettingsKey = (typeof SETTINGS_KEYS)[number];
/** Where a setting came from, lowest precedence first. */
export type SettingsSource = "default" | "file" | "env" | "flag";

export interface LoadedSettings {
  readonly settings: ClientSettings;
  readonly sources: Readonly<Partial<Record<SettingsKey, SettingsSource>>>;
  /** The settings file consulted (it may not exist). */
  readonly path: string;
  /** Things the user should know, e.g. a settings file others can read. */
  readonly warnings: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** `$SKYRUN_CONFIG`, else `$XDG_CONFIG_HOME/skyrun/config.yaml`, else `~/.config/skyrun/config.yaml`. */
export function settingsPath(env: Env): string {
  if (env.SKYRUN_CONFIG) return resolve(env.SKYRUN_CONFIG);
  const base = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(env.HOME ?? homedir(), ".config");
  return join(base, "skyrun", "config.yaml");
}

/** Checks one value; the message names the key and what is allowed. */
export function checkSetting(key: string, value: unknown): ClientSettings {
  if (!(SETTINGS_KEYS as readonly string[]).includes(key)) throw new InvalidRequestError(`Unknown setting '${key}'. Settings: ${SETTINGS_KEYS.join(", ")}.`, key);
  if (typeof value !== "string" || value.trim() === "") throw new InvalidRequestError(`Setting '${key}' must be a non-empty string.`, key);
  if (key === "apiVersion" && !(API_VERSIONS as readonly string[]).includes(value)) throw new InvalidRequestError(`Setting 'apiVersion' must be one of ${API_VERSIONS.join(", ")}, not ${JSON.stringify(value)}.`, key);
  return { [key]: value.trim() };
}

const absolute = (path: string | undefined, base: string): string | undefined => (path === undefined ? undefined : resolve(base, path.replace(/^~(?=\/|$)/, homedir())));

/** Reads a settings file; a missing file is no settings. Relative paths in it are relative to its folder. */
export function readSettingsFile(path: string): ClientSettings {
  if (!existsSync(path)) return {};
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path, "utf8"));
  } catch (e) {
    throw new InvalidRequestError(`The settings file ${path} is not valid YAML (${(e as Error).message.split("\n")[0]}); fix it or remove it and run skyrun login.`, "config");
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== "object" || Array.isArray(data)) throw new InvalidRequestError(`The settings file ${path} must be a mapping of ${SETTINGS_KEYS.join(", ")}.`, "config");
  let out: ClientSettings = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) out = { ...out, ...checkSetting(key, value) };
  const dir = dirname(path);
  return { ...out, cert: absolute(out.cert, dir), ca: absolute(out.ca, dir) };
}

/** Writes settings atomically (a temporary file, then rename), mode 0600 in a folder of mode 0700. */
export function writeSettingsFile(path: string, settings: ClientSettings): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const clean = Object.fromEntries(SETTINGS_KEYS.flatMap((k) => (settings[k] === undefined ? [] : [[k, settings[k]]])));
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, toYaml(clean), { mode: 0o600 });
  renameSync(tmp, path);
}

const CREDENTIALS: readonly SettingsKey[] = ["token", "cert"];

/**
 * The settings in effect: defaults < file < environment (`SKYRUN_URL`, `SKYRUN_TOKEN`,
 * `SKYRUN_CERT`, `SKYRUN_CA`, `SKYRUN_API_VERSION`) < flags. Credentials go together: the
 * highest layer that gives a token or a certificate supplies both, so a token in the
 * file does not ride along with a certificate from the environment. With no credentials
 * anywhere, an existing `~/.ssl/cadcproxy.pem` is used, as the platform's client does.
 */
export function loadClientSettings(o: { env: Env; flags?: ClientSettings; path?: string }): LoadedSettings {
  const path = o.path ?? settingsPath(o.env);
  const warnings: string[] = [];
  const file = readSettingsFile(path);
  if (file.token !== undefined && (statSync(path).mode & 0o077) !== 0) warnings.push(`${path} holds a token but others may read it; run: chmod 600 ${path}`);
  const fromEnv: ClientSettings = {
    url: o.env.SKYRUN_URL || undefined,
    token: o.env.SKYRUN_TOKEN || undefined,
    cert: absolute(o.env.SKYRUN_CERT || undefined, process.cwd()),
    ca: absolute(o.env.SKYRUN_CA || undefined, process.cwd()),
    apiVersion: o.env.SKYRUN_API_VERSION ? checkSetting("apiVersion", o.env.SKYRUN_API_VERSION).apiVersion : undefined,
  };
  const flags: ClientSettings = { ...o.flags, cert: absolute(o.flags?.cert, process.cwd()), ca: absolute(o.flags?.ca, process.cwd()) };
  const proxy = join(o.env.HOME ?? homedir(), ".ssl", "cadcproxy.pem");
  const defaults: ClientSettings = existsSync(proxy) ? { cert: proxy } : {};
  const layers: [SettingsSource, ClientSettings][] = [["default", defaults], ["file", file], ["env", fromEnv], ["flag", flags]];
  const credentialLayer = [...layers].reverse().find(([, l]) => CREDENTIALS.some((k) => l[k] !== undefined));
  const settings: Record<string, string> = {};
  const sources: Partial<Record<SettingsKey, SettingsSource>> = {};
  for (const [source, layer] of layers) {
    for (const key of SETTINGS_KEYS) {
      const value = layer[key];
      if (value === undefined || (CREDENTIALS.includes(key) && layer !== credentialLayer?.[1])) continue;
      settings[key] = value;
      sources[key] = source;
    }
  }
  return { settings, sources, path, warnings };
}

/** Client options from settings; throws when there is no server URL. */
export function toClientOptions(settings: ClientSettings): ClientOptions {
  if (settings.url === undefined) throw new InvalidRequestError("No server URL: run `skyrun login URL`, or set SKYRUN_URL.", "url");
  return { url: settings.url, apiVersion: settings.apiVersion, token: settings.token, certificate: settings.cert, caFile: settings.ca };
}
