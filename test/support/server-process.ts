import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { get as httpsGet } from "node:https";
import { inject } from "vitest";
import { waitUntil } from "./http.js";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Runs `skyrun …` as a user would (the built CLI) and returns stdout. */
export function skyrunCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync("node", [`${ROOT}bin/skyrun.js`, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
}

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Status of GET /healthz over HTTPS; only a readiness probe, so the server's certificate is not checked here. */
const httpsHealth = (url: string) => new Promise<number | undefined>((resolve) => {
  const req = httpsGet(`${url}/healthz`, { rejectUnauthorized: false }, (res) => {
    res.resume();
    resolve(res.statusCode);
  });
  req.on("error", () => resolve(undefined));
});

export interface ServerProcessOptions {
  /** Serve HTTPS as `skyrun server` does by default; tests otherwise get plain HTTP (--no-tls). */
  readonly tls?: boolean;
}

/** Starts `skyrun server` as a separate process and waits until it answers. */
export async function startServerProcess(dataDir: string, port: number, extraArgs: readonly string[] = [], env: NodeJS.ProcessEnv = {}, o: ServerProcessOptions = {}): Promise<ServerProcess> {
  const tlsArgs = o.tls ? [] : ["--no-tls"];
  const child = spawn("node", [`${ROOT}bin/skyrun.js`, "server", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`, ...tlsArgs, ...extraArgs], {
    env: { ...process.env, SKYRUN_PODMAN_SOCKET: inject("engineSocket"), SKYRUN_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr.on("data", (b: Buffer) => { err += b.toString(); });
  const url = `${o.tls ? "https" : "http"}://127.0.0.1:${port}`;
  await waitUntil("the server to answer", async () => {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${err}`);
    const status = o.tls ? await httpsHealth(url) : (await fetch(`${url}/healthz`).catch(() => undefined))?.status;
    return status === 200 ? true : undefined;
  }, 30_000);
  return {
    url,
    child,
    stderr: () => err,
    kill: (signal) => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill(signal);
    }),
  };
}
