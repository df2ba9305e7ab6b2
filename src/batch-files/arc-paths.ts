import { normalizePath } from "./posix-path.js";

/**
 * Where the shared `/arc` file system is on the submitting machine. Inside a platform
 * session it is `/arc` itself; on a laptop it may be an sshfs mount such as `~/arc`.
 * Sessions see it at `/arc`, so a path under the local root maps to the same path
 * under `/arc`.
 */
export interface ArcMount {
  /** Absolute local directory where /arc is mounted. @defaultValue "/arc" */
  readonly localRoot: string;
}

export const DEFAULT_ARC_MOUNT: ArcMount = { localRoot: "/arc" };

/**
 * The path a session sees for a local absolute path, or undefined when the path is not
 * on /arc. A path already under `/arc/` is taken as the sessions' own path.
 */
export function toArcPath(mount: ArcMount, localPath: string): string | undefined {
  const path = normalizePath(localPath);
  const root = normalizePath(mount.localRoot);
  if (path === root) return "/arc";
  if (root !== "/" && path.startsWith(`${root}/`)) return `/arc${path.slice(root.length)}`;
  if (path === "/arc" || path.startsWith("/arc/")) return path;
  return undefined;
}

/** True for the directories a session may work in: under `/arc/home/<user>` or `/arc/projects/<group>`. */
export const isSessionWorkdir = (arcPath: string): boolean => /^\/arc\/(home|projects)\/[^/]+(\/.*)?$/.test(arcPath);
