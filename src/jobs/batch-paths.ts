import { posix } from "node:path";
import { invalid } from "../domain/errors.js";
import { isUnderAllowedPrefix } from "../domain/url-prefix.js";
import type { Principal } from "../identity/principal.js";

/** The directories on /arc a user's sessions may work in and write to: their home and their groups' projects. */
export function allowedRoots(principal: Principal): string[] {
  return [`/arc/home/${principal.user.name}`, ...principal.user.groups.map((g) => `/arc/projects/${g.name}`)];
}

const within = (path: string, roots: readonly string[]): boolean => roots.some((r) => path === r || path.startsWith(`${r}/`));

/** Where a session works and writes its output files, as container paths on /arc, each checked against what its owner may use. */
export interface ResolvedPaths {
  readonly workdir: string | null;
  readonly stdoutPath: string | null;
  readonly stderrPath: string | null;
}

/**
 * Resolves `workdir`, `stdout` and `stderr` for a session of `principal`: relative
 * output paths are relative to the working directory (else the home), and every path
 * must be inside the user's home or one of their groups' projects. The run writes the
 * files as the user, so the kernel decides too; this makes a wrong path a 400 at once.
 */
export function resolveBatchPaths(principal: Principal, given: { workdir: string | null; stdout: string | null; stderr: string | null }): ResolvedPaths {
  const roots = allowedRoots(principal);
  const where = `your home (/arc/home/${principal.user.name}) or a project of one of your groups (/arc/projects/<group>)`;
  if (given.workdir !== null && !within(given.workdir, roots)) {
    throw invalid(`Invalid value for 'workdir': ${given.workdir} is outside ${where}.`, { parameter: "workdir" });
  }
  const base = given.workdir ?? roots[0]!;
  const resolve = (name: "stdout" | "stderr", path: string | null): string | null => {
    if (path === null) return null;
    const full = posix.normalize(path.startsWith("/") ? path : posix.join(base, path));
    if (!within(full, roots) || full.endsWith("/")) throw invalid(`Invalid value for '${name}': ${full} is not a file in ${where}.`, { parameter: name });
    return full;
  };
  return { workdir: given.workdir, stdoutPath: resolve("stdout", given.stdout), stderrPath: resolve("stderr", given.stderr) };
}

/**
 * May a notification go to this URL? Only under prefixes the operator allows
 * (`notifications.allowedUrls`; none by default), at a host or path boundary, so
 * `https://hooks.example.org` does not let `https://hooks.example.org.evil.net` through.
 */
export function checkNotifyUrl(url: string | null, allowedPrefixes: readonly string[]): void {
  if (url === null || isUnderAllowedPrefix(url, allowedPrefixes)) return;
  const allowed = allowedPrefixes.length > 0 ? `URLs starting with ${allowedPrefixes.join(", ")}` : "no URL (the operator has allowed none: notifications.allowedUrls)";
  throw invalid(`Invalid value for 'notify': ${url} is not allowed here. Allowed: ${allowed}.`, { parameter: "notify" });
}
