import type { Command } from "commander";
import { isClientError, type ClientError, type CreateSessionSpec, type SessionJson, type SkyrunClient, type WaitResult } from "../../client/index.js";
import { collect, interruptSignal, outputFormat, parseCount, parseNumber, withClient, withConnectionOptions, withOutputOption, type ConnectionFlags, type OutputFlags } from "../client-command.js";
import { exitForFailures, shortReason } from "../client-error-report.js";
import { followToStream } from "../log-printer.js";
import { renderData, renderTable, UsageError } from "../output.js";
import { createProgressDisplay } from "../progress-display.js";
import { waitExitCode, waitSessions } from "./wait.js";
import { cliEnvironment } from "../cli-environment.js";

interface CreateFlags extends ConnectionFlags, OutputFlags {
  name?: string;
  cores?: string;
  ram?: string;
  gpus?: string;
  env: string[];
  replicas?: string;
  dependsOn?: string;
  registryUser?: string;
  wait?: boolean;
  follow?: boolean;
  timeout?: string;
  quiet?: boolean;
  progress: boolean;
}

/** Session kinds the platform knows; a first word that is one of them is the kind, not the image. */
const KINDS = ["headless", "notebook", "desktop", "carta", "contributed", "firefly"];

/** A session name from an image: `images.canfar.net/skaha/astroml:1.0` → `astroml`. */
export function nameFromImage(image: string): string {
  const last = image.split("/").pop() ?? image;
  const bare = last.split("@")[0]!.split(":")[0]!;
  const name = bare.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40).replace(/-+$/, "");
  return name === "" ? "job" : name;
}

/** `-e KEY=VALUE`, or `-e KEY` to pass this shell's value of KEY. */
function envEntries(entries: readonly string[]): string[] {
  return entries.map((e) => {
    if (e.includes("=")) return e;
    const local = cliEnvironment()[e];
    if (local === undefined) throw new UsageError(`-e ${e}: give KEY=VALUE, or export ${e} in this shell to pass its value`);
    return `${e}=${local}`;
  });
}

function buildSpec(words: readonly string[], f: CreateFlags): CreateSessionSpec {
  const kindGiven = KINDS.includes(words[0]!.toLowerCase());
  const [image, ...argv] = kindGiven ? words.slice(1) : words;
  if (image === undefined) throw new UsageError("give an image: skyrun create [KIND] IMAGE -- CMD [ARGS…]");
  const replicas = parseCount("-r", f.replicas, 1);
  let registryAuth: CreateSessionSpec["registryAuth"];
  if (f.registryUser !== undefined) {
    const secret = cliEnvironment().SKYRUN_REGISTRY_SECRET;
    if (!secret) throw new UsageError("--registry-user needs the registry secret in SKYRUN_REGISTRY_SECRET (kept off the command line)");
    registryAuth = { username: f.registryUser, secret };
  }
  return {
    name: f.name ?? nameFromImage(image),
    image,
    ...(kindGiven ? { kind: words[0]!.toLowerCase() } : {}),
    ...(f.cores !== undefined ? { cores: parseNumber("-c", f.cores)! } : {}),
    ...(f.ram !== undefined ? { ram: parseNumber("-m", f.ram)! } : {}),
    ...(f.gpus !== undefined ? { gpus: parseCount("-g", f.gpus, 1)! } : {}),
    ...(argv.length > 0 ? { cmd: [argv[0]!], args: argv.slice(1) } : {}),
    ...(f.env.length > 0 ? { env: envEntries(f.env) } : {}),
    ...(replicas !== undefined ? { replicas } : {}),
    ...(f.dependsOn !== undefined ? { dependsOn: f.dependsOn.split(",").map((s) => s.trim()).filter(Boolean) } : {}),
    ...(registryAuth ? { registryAuth } : {}),
  };
}

async function followAndCollect(client: SkyrunClient, ids: readonly string[], names: ReadonlyMap<string, string>, signal: AbortSignal): Promise<WaitResult> {
  const failures = await followToStream(client, ids.map((id) => ({ id, label: names.get(id) ?? id })), process.stdout, signal);
  for (const f of failures) process.stderr.write(`skyrun: ${f.id}: cannot follow the log: ${isClientError(f.error) ? shortReason(f.error) : String(f.error)}\n`);
  // The logs ended because the sessions did; read their final status for the exit code.
  return client.waitFor(ids, { until: "done", signal });
}

export function registerCreateCommand(program: Command): void {
  const command = program.command("create").alias("run")
    .description("create sessions (jobs): skyrun create [KIND] IMAGE -- CMD [ARGS…]")
    .argument("<words...>", "[KIND] IMAGE [-- CMD [ARGS…]]; everything after -- is the command, passed exactly")
    .option("-n, --name <name>", "session name: letters, digits, '-' (default: from the image)")
    .option("-c, --cores <n>", "cores (default: the server's flexible default)")
    .option("-m, --ram <gb>", "RAM in GB (default: the server's flexible default)")
    .option("-g, --gpus <n>", "GPUs")
    .option("-e, --env <KEY=VALUE>", "environment variable (repeatable); -e KEY passes this shell's value", collect, [])
    .option("-r, --replicas <n>", "independent copies name-1 … name-N with REPLICA_ID and REPLICA_COUNT")
    .option("--depends-on <ids>", "comma-separated session ids that must succeed first (skyrun)")
    .option("--registry-user <name>", "private registry user name; the secret is read from SKYRUN_REGISTRY_SECRET")
    .option("--wait", "wait until the sessions end; exit 6 if any failed")
    .option("--follow", "print the logs as they are written until the sessions end (implies --wait)")
    .option("--timeout <seconds>", "with --wait: give up after this long (exit 7)")
    .option("-q, --quiet", "print only the session ids, one per line")
    .option("--no-progress", "no progress display on stderr");
  withOutputOption(withConnectionOptions(command)).action(async (words: string[], f: CreateFlags) => {
    const format = outputFormat(f);
    if (f.quiet && format !== "table") throw new UsageError("-q prints ids only; leave out -o, or use -o json and read .ids");
    if (f.follow && (f.quiet || format !== "table")) throw new UsageError("--follow prints logs on stdout; it cannot be combined with -q or -o");
    const timeoutSeconds = parseNumber("--timeout", f.timeout);
    if (timeoutSeconds !== undefined && !f.wait && !f.follow) throw new UsageError("--timeout applies to --wait; add --wait");
    const spec = buildSpec(words, f);
    const signal = interruptSignal();
    await withClient(f, async (client) => {
      const total = spec.replicas ?? 1;
      const creating = createProgressDisplay({ label: "Creating", enabled: f.progress && total > 1 });
      const created = await client.create(spec, { signal, onProgress: (ok, bad) => creating.update(ok + bad, total, { Created: ok, Failed: bad }) }).finally(() => creating.stop());
      const names = new Map(created.sessions.map((s) => [s.id, s.name ?? s.id] as const));
      created.ids.forEach((id, i) => { if (!names.has(id)) names.set(id, total > 1 ? `${spec.name}-${i + 1}` : spec.name); });
      for (const failure of created.failed) process.stderr.write(`skyrun: replica ${failure.replica} (${failure.name}) was not created: ${shortReason(failure.error)}\n`);
      let waited: WaitResult | undefined;
      if (f.follow) waited = await followAndCollect(client, created.ids, names, signal);
      else if (f.wait) waited = await waitSessions(client, created.ids, { until: "done", timeoutSeconds, progress: f.progress, signal });
      printCreated(format, f.quiet === true, created.ids, names, created.sessions, created.failed, waited, f.follow === true);
      const creationExit = exitForFailures(created.failed.map((x) => x.error));
      process.exitCode = waited ? Math.max(waitExitCode(waited), creationExit) : creationExit;
    });
  });
}

function printCreated(format: "table" | "json" | "yaml", quiet: boolean, ids: readonly string[], names: ReadonlyMap<string, string>, sessions: readonly SessionJson[], failed: readonly { replica: number; name: string; error: ClientError }[], waited: WaitResult | undefined, followed: boolean): void {
  if (quiet) {
    process.stdout.write(ids.map((id) => `${id}\n`).join(""));
    return;
  }
  if (format !== "table") {
    process.stdout.write(renderData({
      ids,
      sessions: waited ? waited.sessions : sessions,
      failed: failed.map((x) => ({ replica: x.replica, name: x.name, error: shortReason(x.error) })),
      ...(waited ? { timedOut: waited.timedOut } : {}),
    }, format));
    return;
  }
  const out = followed ? process.stderr : process.stdout;
  if (waited) {
    out.write(renderTable(["SESSION ID", "NAME", "STATUS", "EXIT"], waited.sessions.map((s) => [s.id, s.name ?? "-", s.status, s.exitCode === undefined ? "-" : String(s.exitCode)])));
    return;
  }
  out.write(renderTable(["SESSION ID", "NAME"], ids.map((id) => [id, names.get(id) ?? "-"])));
}
