import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { inject } from "vitest";
import { waitUntil } from "./http.js";

const ROOT = new URL("../../", import.meta.url).pathname;

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

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

/** Starts `skyrun server` as a separate process and waits until it answers. */
export async function startServerProcess(dataDir: string, port: number, extraArgs: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const child = spawn("node", [`${ROOT}bin/skyrun.js`, "server", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`, ...extraArgs], {
    env: { ...process.env, SKYRUN_PODMAN_SOCKET: inject("engineSocket"), SKYRUN_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr.on("data", (b: Buffer) => { err += b.toString(); });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil("the server to answer", async () => {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${err}`);
    const r = await fetch(`${url}/healthz`).catch(() => undefined);
    return r && r.status === 200 ? true : undefined;
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
