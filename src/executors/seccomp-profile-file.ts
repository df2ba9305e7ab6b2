import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Logger } from "pino";
import { hardenSeccompProfile, type SeccompProfile } from "./seccomp-profile.js";

/** Where Podman's containers-common keeps its default profile on Debian and Fedora. */
export const ENGINE_DEFAULT_PROFILE = "/usr/share/containers/seccomp.json";

/**
 * Writes the hardened profile next to skyrun's data and returns its path, or null when
 * the engine's default profile cannot be found (jobs then run under the engine's own
 * default, which is logged as a warning).
 */
export function writeSeccompProfile(target: string, log: Logger, base = ENGINE_DEFAULT_PROFILE): string | null {
  if (!existsSync(base)) {
    log.warn({ base }, "no default seccomp profile to harden; jobs run under the engine's default (new user namespaces stay possible)");
    return null;
  }
  const profile = hardenSeccompProfile(JSON.parse(readFileSync(base, "utf8")) as SeccompProfile);
  writeFileSync(target, JSON.stringify(profile), { mode: 0o644 });
  return target;
}
