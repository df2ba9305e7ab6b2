import { existsSync, watch, type FSWatcher } from "node:fs";

/** Where conmon, started by a root Podman, drops a file the instant a container exits. */
export const PODMAN_EXIT_DIR = "/run/libpod/exits";

/**
 * A fast path for noticing that a container exited. Podman's event stream, read from
 * its file event log, arrives about 250 ms late (the log is polled); conmon writes the
 * exit file at once. Podman's cleanup deletes the file right after, so the watcher only
 * says *which* container exited and the caller asks the engine for the details. Where
 * the directory does not exist (Docker, rootless Podman) it does nothing: the event
 * stream remains the source of truth.
 */
export function watchContainerExits(onExit: (containerId: string) => void, dir = PODMAN_EXIT_DIR): { close(): void } {
  if (!existsSync(dir)) return { close: () => undefined };
  let watcher: FSWatcher;
  try {
    watcher = watch(dir, (_event, file) => {
      if (typeof file === "string" && /^[0-9a-f]{64}$/.test(file)) onExit(file);
    });
  } catch {
    return { close: () => undefined };
  }
  watcher.on("error", () => { watcher.close(); });
  return { close: () => { watcher.close(); } };
}
