import { chmodSync, chownSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { rm } from "node:fs/promises";
import { dirname } from "node:path";
import type { Owner } from "../domain/job.js";
import type { DataLayout } from "./data-layout.js";

/**
 * Creates and removes the directories a job needs on the host. Paths come from the
 * layout and the names in them are validated upstream (user names, 8-char job ids).
 */
export interface JobDirectories {
  /** `/arc/home/<user>`: created on first use, owned by the user, mode 0750. */
  ensureHome(owner: Owner): string;
  /**
   * `/arc/projects/<group>` for each group: owned by root and the group, mode 2770
   * (group members read and write, the setgid bit keeps new files in the group,
   * everyone else is kept out). Created when missing; an existing one is left as the
   * operator set it, except that a directory of another gid is handed to this group.
   */
  ensureProjects(groups: readonly { readonly name: string; readonly gid: number }[]): void;
  /** A private `/scratch` for one job, owned by the user, mode 0700. */
  createScratch(jobId: string, owner: Owner): string;
  /** Asynchronous: a job's scratch can be large, and a synchronous removal held the event loop (issue 13). */
  removeScratch(jobId: string): Promise<void>;
  /** Makes sure the log's directory exists (the engine creates the file). */
  prepareLog(jobId: string): string;
  /** Where the job's log is (whether or not it exists yet). */
  logPathOf(jobId: string): string;
  /** The host path of a container path on /arc, or undefined when it is not on /arc. */
  hostPathOnArc(containerPath: string): string | undefined;
  /** The host directory mounted at /arc. */
  readonly arcRoot: string;
  /** Keeps an ended attempt's log under its own name, so the next attempt starts a fresh one. */
  archiveLog(jobId: string, attempt: number): void;
  /** Removes the job's log and those of its `attempts - 1` earlier attempts. */
  removeLog(jobId: string, attempts?: number): void;
}

export function createJobDirectories(layout: DataLayout): JobDirectories {
  mkdirSync(layout.arcRoot, { recursive: true, mode: 0o755 });
  mkdirSync(dirname(layout.homeDir("x")), { recursive: true, mode: 0o755 });
  mkdirSync(dirname(layout.projectDir("x")), { recursive: true, mode: 0o755 });
  return {
    ensureHome(owner) {
      const home = layout.homeDir(owner.username);
      if (!existsSync(home)) {
        mkdirSync(home, { recursive: true, mode: 0o750 });
        chownSync(home, owner.uid, owner.gid);
        chmodSync(home, 0o750);
      } else if (statSync(home).uid !== owner.uid) {
        // A home created for a previous user of the same name must not be handed over silently.
        chownSync(home, owner.uid, owner.gid);
      }
      return home;
    },
    ensureProjects(groups) {
      for (const g of groups) {
        const dir = layout.projectDir(g.name);
        if (!existsSync(dir)) {
          mkdirSync(dir, { recursive: true, mode: 0o2770 });
          chownSync(dir, 0, g.gid);
          // mkdir's mode passes through the umask and drops setgid: set it explicitly.
          chmodSync(dir, 0o2770);
        } else if (statSync(dir).gid !== g.gid) {
          chownSync(dir, 0, g.gid);
        }
      }
    },
    createScratch(jobId, owner) {
      const dir = layout.scratchDir(jobId);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chownSync(dir, owner.uid, owner.gid);
      return dir;
    },
    removeScratch: (jobId) => rm(layout.scratchDir(jobId), { recursive: true, force: true }),
    prepareLog(jobId) {
      const path = layout.logPath(jobId);
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      return path;
    },
    logPathOf: (jobId) => layout.logPath(jobId),
    hostPathOnArc: (p) => layout.hostPathOnArc(p),
    arcRoot: layout.arcRoot,
    archiveLog(jobId, attempt) {
      if (existsSync(layout.logPath(jobId))) renameSync(layout.logPath(jobId), layout.attemptLogPath(jobId, attempt));
    },
    removeLog(jobId, attempts = 1) {
      rmSync(layout.logPath(jobId), { force: true });
      for (let a = 1; a < attempts; a++) rmSync(layout.attemptLogPath(jobId, a), { force: true });
    },
  };
}
