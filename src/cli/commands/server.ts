import type { Command } from "commander";
import { destination, pino } from "pino";
import { loadConfig, type ConfigFlags } from "../../config/load-config.js";
import { startServer } from "../../main.js";
import { collect } from "../client-command.js";
import { cliEnvironment } from "../cli-environment.js";

export type ServerFlags = Omit<ConfigFlags, "registry" | "insecureRegistry" | "registryAlias"> & { registry: string[]; insecureRegistry: string[]; registryAlias: string[] };


/** `skyrun server`: runs the service until SIGINT or SIGTERM. */
export function registerServerCommand(program: Command): void {
  program.command("server")
    .description("run the skyrun service (SQLite + Podman by default)")
    .option("--listen <host:port>", "address to listen on (default 127.0.0.1:8080)")
    .option("--data-dir <dir>", "data directory (default ~/.local/share/skyrun)")
    .option("--cores <n>", "cores offered to jobs (default: this machine's)")
    .option("--ram <gb>", "RAM in GB offered to jobs (default: this machine's)")
    .option("--gpus <n>", "GPUs offered to jobs (default 0)")
    .option("--database <url>", "postgres://… URL or SQLite file (default <data-dir>/skyrun.db)")
    .option("--executor <kind>", "local (Podman) or slurm")
    .option("--slurm-partition <name>", "Slurm partition for jobs (with --executor slurm)")
    .option("--slurm-account <name>", "Slurm account charged for jobs (with --executor slurm)")
    .option("--config <file>", "YAML configuration file (default <data-dir>/skyrun.yaml if present)")
    .option("--log-level <level>", "fatal, error, warn, info, debug")
    .option("--tls-cert <file>", "PEM certificate (chain) to serve HTTPS with (default: skyrun's own, made in <data-dir>/tls)")
    .option("--tls-key <file>", "PEM private key of --tls-cert")
    .option("--client-ca <file>", "PEM CA certificates trusted for client and proxy certificates (curl -E)")
    .option("--no-tls", "serve plain HTTP, only behind a TLS-terminating proxy")
    .option("--registry <host[:port]>", "a registry users may run images from, by exact host (repeatable)", collect, [])
    .option("--insecure-registry <host[:port]>", "the same over plain HTTP, for a registry on loopback (repeatable)", collect, [])
    .option("--registry-alias <from=to>", "images named for registry FROM run from TO: localhost (the engine's images) or an allowed registry, e.g. images.canfar.net=localhost (repeatable)", collect, [])
    .option("--oidc-issuer <url>", "accept OIDC bearer tokens (JWTs) from this issuer")
    .option("--oidc-audience <aud>", "the audience those tokens must carry")
    .option("--metrics-token-file <file>", "file holding the bearer token Prometheus sends to /metrics (default: administrators only)")
    .action(async (flags: ServerFlags) => {
      // Commander sets tls=true unless --no-tls; only an explicit --no-tls overrides the file and environment.
      const config = loadConfig({ ...flags, tls: flags.tls === false ? false : undefined }, cliEnvironment());
      const log = pino({ level: config.log.level, redact: ["req.headers.authorization", "req.headers[\"x-skaha-registry-auth\"]"] }, destination(2));
      const server = await startServer(config, { log });
      const users = await server.store.users.list();
      const base = `${server.url.replace("127.0.0.1", "localhost")}/skaha/v0`;
      const curl = server.tlsCaFile ? `curl --cacert ${server.tlsCaFile}` : "curl";
      process.stderr.write(`skyrun is running at ${server.url} (data in ${config.dataDir})\n`);
      if (server.tlsCaFile) process.stderr.write(`HTTPS with skyrun's own certificate: clients trust ${server.tlsCaFile} (${curl} …)\n`);
      if (users.length === 0) {
        process.stderr.write([
          "No users yet. In another terminal:",
          `  npx skyrun users add alice --data-dir ${config.dataDir}${config.tls.clientCaFile ? ' --dn "/C=ca/O=hia/OU=cadc/CN=alice"' : ""}`,
          `  TOKEN=$(npx skyrun tokens create alice --data-dir ${config.dataDir} | tail -n 1)`,
          `  ${curl} -H "Authorization: Bearer $TOKEN" ${base}/session -d name=hello -d image=localhost/skyrun-demo:latest --data-urlencode "cmd=echo hello from skyrun"`,
          `  ${curl} -H "Authorization: Bearer $TOKEN" "${base}/session/<id>?view=logs"`,
          ...(config.tls.clientCaFile ? [`  ${curl} -E ~/.ssl/cadcproxy.pem ${base}/session`] : []),
          "",
        ].join("\n"));
      }
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, "shutting down");
        server.close().then(() => process.exit(0), (e: unknown) => {
          log.error({ err: e }, "shutdown failed");
          process.exit(1);
        });
      };
      process.on("SIGINT", () => stop("SIGINT"));
      process.on("SIGTERM", () => stop("SIGTERM"));
    });
}
