import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem, release } from "node:os";

const version = (cmd: string, args: string[]): string => {
  try {
    return execFileSync(cmd, args, { encoding: "utf8" }).trim().split("\n")[0] ?? "?";
  } catch {
    return "not found";
  }
};

/** What the figures were measured on. */
export function describeMachine(): Record<string, string> {
  let os = "?";
  try {
    os = /PRETTY_NAME="([^"]+)"/.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? "?";
  } catch { /* not Linux */ }
  return {
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
    memory: `${Math.round(totalmem() / 1024 ** 3)} GiB`,
    os: `${os}, kernel ${release()}`,
    node: process.version,
    podman: version("podman", ["--version"]),
    slurm: version("sinfo", ["--version"]),
    sqlite: "better-sqlite3 (bundled SQLite)",
  };
}
