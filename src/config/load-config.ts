import { existsSync, readFileSync } from "node:fs";
import { cpus, homedir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";

import { ConfigSchema, type Config } from "./config-schema.js";

/** Settings given on the command line; each overrides the environment and the file. */
export interface ConfigFlags {
  readonly config?: string | undefined;
  readonly dataDir?: string | undefined;
  readonly listen?: string | undefined;
  readonly cores?: string | undefined;
  readonly ram?: string | undefined;
  readonly gpus?: string | undefined;
  readonly database?: string | undefined;
  readonly executor?: string | undefined;
  readonly logLevel?: string | undefined;
  /** Engine API socket (`SKYRUN_PODMAN_SOCKET`). */
  readonly podmanSocket?: string | undefined;
  readonly slurmPartition?: string | undefined;
  readonly slurmAccount?: string | undefined;
  /** Server certificate and key (PEM files). */
  readonly tlsCert?: string | undefined;
  readonly tlsKey?: string | undefined;
  /** CA certificates trusted for client certificates. */
  readonly clientCa?: string | undefined;
  /** false (from --no-tls or SKYRUN_TLS=off) serves plain HTTP. */
  readonly tls?: boolean | undefined;
  /** Allowed registries, exact HOST[:PORT]; insecure ones are reached over plain HTTP. */
  readonly registry?: readonly string[] | undefined;
  readonly insecureRegistry?: readonly string[] | undefined;
  /** Registry aliases as `FROM=TO`, e.g. `images.canfar.net=localhost`. */
  readonly registryAlias?: readonly string[] | undefined;
  readonly oidcIssuer?: string | undefined;
  readonly oidcAudience?: string | undefined;
  /** File holding the bearer token of /metrics scrapers. */
  readonly metricsTokenFile?: string | undefined;
}

/** A configuration that does not parse; the message lists every problem with its path. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

type Tree = Record<string, unknown>;

function mergeInto(target: Tree, source: Tree): Tree {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const existing = target[key];
    // A tagged section (one with a `driver`) is a choice, replaced whole rather than merged.
    const tagged = value && typeof value === "object" && "driver" in value;
    if (!tagged && value && typeof value === "object" && !Array.isArray(value) && existing && typeof existing === "object" && !Array.isArray(existing)) {
      target[key] = mergeInto({ ...(existing as Tree) }, value as Tree);
    } else {
      target[key] = value;
    }
  }
  return target;
}

function parseListen(listen: string | undefined): Tree | undefined {
  if (listen === undefined) return undefined;
  const match = /^(?:\[?([^\]]*)\]?:)?(\d+)$/.exec(listen.trim());
  if (!match) throw new ConfigError(`--listen ${JSON.stringify(listen)}: expected HOST:PORT or PORT, e.g. 127.0.0.1:8080`);
  return { ...(match[1] ? { host: match[1] } : {}), port: Number(match[2]) };
}

const num = (value: string | undefined, what: string): number | undefined => {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new ConfigError(`${what} ${JSON.stringify(value)}: expected a number`);
  return n;
};

function storeFrom(database: string | undefined): Tree | undefined {
  if (!database) return undefined;
  if (/^postgres(ql)?:\/\//.test(database)) return { driver: "postgres", url: database };
  return { driver: "sqlite", path: database.replace(/^sqlite:(\/\/)?/, "") };
}

/** The default data directory: `$XDG_DATA_HOME/skyrun`, else `~/.local/share/skyrun`. */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "skyrun");
}

/** Reads one layer of settings (flags or environment) into the config tree shape. */
function layer(s: ConfigFlags): Tree {
  return {
    dataDir: s.dataDir,
    http: parseListen(s.listen),
    capacity: { cores: num(s.cores, "cores"), ramGB: num(s.ram, "ram"), gpus: num(s.gpus, "gpus") },
    store: storeFrom(s.database),
    executor: s.executor,
    log: { level: s.logLevel },
    local: { socketPath: s.podmanSocket },
    slurm: { partition: s.slurmPartition, account: s.slurmAccount },
    tls: { enabled: s.tls, certFile: s.tlsCert, keyFile: s.tlsKey, clientCaFile: s.clientCa },
    registries: registriesFrom(s.registry, s.insecureRegistry),
    registryAliases: aliasesFrom(s.registryAlias),
    oidc: { issuer: s.oidcIssuer, audience: s.oidcAudience },
    metrics: { tokenFile: s.metricsTokenFile },
  };
}

/** `--registry` and `--insecure-registry` as the `registries` list; undefined when neither is given. */
function registriesFrom(secure: readonly string[] | undefined, insecure: readonly string[] | undefined): Tree[] | undefined {
  if (!secure?.length && !insecure?.length) return undefined;
  return [...(secure ?? []).map((host) => ({ host, insecure: false })), ...(insecure ?? []).map((host) => ({ host, insecure: true }))];
}

/** `--registry-alias FROM=TO` as the `registryAliases` object; undefined when none is given. */
function aliasesFrom(pairs: readonly string[] | undefined): Tree | undefined {
  if (!pairs?.length) return undefined;
  const out: Tree = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0 || eq === pair.length - 1) throw new ConfigError(`--registry-alias ${JSON.stringify(pair)}: expected FROM=TO, e.g. images.canfar.net=localhost`);
    out[pair.slice(0, eq).trim().toLowerCase()] = pair.slice(eq + 1).trim();
  }
  return out;
}

const list = (value: string | undefined): string[] | undefined => value?.split(/[\s,]+/).filter((v) => v !== "");

const fromEnv = (env: NodeJS.ProcessEnv): ConfigFlags => ({
  // Not SKYRUN_CONFIG: that names the command line's settings file, which the server must never read.
  config: env.SKYRUN_SERVER_CONFIG,
  dataDir: env.SKYRUN_DATA_DIR,
  listen: env.SKYRUN_LISTEN,
  cores: env.SKYRUN_CORES,
  ram: env.SKYRUN_RAM,
  gpus: env.SKYRUN_GPUS,
  database: env.SKYRUN_DATABASE_URL,
  executor: env.SKYRUN_EXECUTOR,
  logLevel: env.SKYRUN_LOG_LEVEL,
  podmanSocket: env.SKYRUN_PODMAN_SOCKET,
  slurmPartition: env.SKYRUN_SLURM_PARTITION,
  slurmAccount: env.SKYRUN_SLURM_ACCOUNT,
  tlsCert: env.SKYRUN_TLS_CERT,
  tlsKey: env.SKYRUN_TLS_KEY,
  clientCa: env.SKYRUN_CLIENT_CA,
  tls: env.SKYRUN_TLS === undefined ? undefined : !/^(off|false|0|no)$/i.test(env.SKYRUN_TLS),
  registry: list(env.SKYRUN_REGISTRIES),
  insecureRegistry: list(env.SKYRUN_INSECURE_REGISTRIES),
  registryAlias: list(env.SKYRUN_REGISTRY_ALIASES),
  oidcIssuer: env.SKYRUN_OIDC_ISSUER,
  oidcAudience: env.SKYRUN_OIDC_AUDIENCE,
  metricsTokenFile: env.SKYRUN_METRICS_TOKEN_FILE,
});

/**
 * Builds the configuration from defaults < config file < environment < flags <
 * overrides (programmatic, e.g. tests), and validates all of it at once. The only place that reads `process.env`-like input.
 *
 * @throws ConfigError listing every invalid setting with its path.
 */
export function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv, overrides: Record<string, unknown> = {}): Config {
  const envFlags = fromEnv(env);
  const dataDir = resolve(flags.dataDir ?? envFlags.dataDir ?? defaultDataDir(env));
  const configPath = flags.config ?? envFlags.config ?? (existsSync(join(dataDir, "skyrun.yaml")) ? join(dataDir, "skyrun.yaml") : undefined);
  let file: Tree = {};
  if (configPath) {
    try {
      file = (parseYaml(readFileSync(configPath, "utf8")) as Tree | null) ?? {};
    } catch (e) {
      throw new ConfigError(`config file ${configPath}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const defaults: Tree = {
    dataDir,
    capacity: { cores: cpus().length, ramGB: Math.floor(totalmem() / 1024 ** 3) },
  };
  const merged = mergeInto(mergeInto(mergeInto(mergeInto(mergeInto({}, defaults), file), layer(envFlags)), layer(flags)), overrides);
  merged.dataDir = dataDir;
  // A store section replaces the default as a whole: a postgres URL must not inherit the SQLite path.
  merged.store ??= { driver: "sqlite", path: join(dataDir, "skyrun.db") };
  const storage = (merged.storage as Tree | undefined) ?? {};
  merged.storage = { ...storage, arcRoot: resolve(dataDir, (storage.arcRoot as string | undefined) ?? "arc") };
  // Slurm's own variable, honoured as the Slurm commands would: a configured `slurm.conf` wins.
  if (env.SLURM_CONF) merged.slurm = mergeInto({ conf: env.SLURM_CONF }, (merged.slurm as Tree | undefined) ?? {});
  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    throw new ConfigError("invalid configuration:\n" + result.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n"));
  }
  return deepFreeze(result.data);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The configuration with secrets masked: the only form in which config reaches a log. */
export function redactConfig(config: Config): unknown {
  const copy = JSON.parse(JSON.stringify(config)) as Tree;
  const store = copy.store as Tree;
  if (typeof store.url === "string") store.url = store.url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
  return copy;
}

