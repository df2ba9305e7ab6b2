import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { TEST_ROOT } from "./paths.js";

const ROOT = new URL("../../", import.meta.url).pathname;

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Environment on top of a clean one (PATH, and an empty HOME and XDG_CONFIG_HOME of its own). */
  readonly env?: Record<string, string>;
  /** Written to stdin, which is then closed. */
  readonly input?: string;
  readonly timeoutMs?: number;
  /** The directory to run in. @defaultValue this process's */
  readonly cwd?: string;
}

/** A home directory of its own, so settings files never leak between tests or from the developer. */
export function makeCliHome(): string {
  return mkdtempSync(join(TEST_ROOT, "cli-home-"));
}

/**
 * Runs the built `skyrun` as a user would, asynchronously (an in-process test server
 * must keep serving while it runs), with stdout and stderr kept apart.
 */
export function runCli(args: readonly string[], o: CliOptions = {}): Promise<CliResult> {
  const home = o.env?.HOME ?? makeCliHome();
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, XDG_CONFIG_HOME: join(home, ".config"), ...o.env };
  return new Promise((resolve, reject) => {
    const child = spawn("node", [`${ROOT}bin/skyrun.js`, ...args], { env, stdio: ["pipe", "pipe", "pipe"], ...(o.cwd !== undefined ? { cwd: o.cwd } : {}) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => { stdout += b.toString(); });
    child.stderr.on("data", (b: Buffer) => { stderr += b.toString(); });
    const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 55_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(o.input ?? "");
  });
}
