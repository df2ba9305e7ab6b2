import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseImageReference } from "../../domain/image-reference.js";
import type { RunRequest } from "../executor.js";

/**
 * Podman reads `--env-file` line by line (no escapes, lines up to 64 KiB): values with a
 * line break or carriage return, or very long ones, travel as Podman secrets instead.
 */
const ENV_FILE_VALUE_MAX = 32 * 1024;

/** Where one run's files live. Every path is under the data directory, which the compute nodes share. */
export interface RunFilePaths {
  /** Beside the log: how the run ended (see exit-record.ts). */
  readonly exitRecord: string;
  /** Mode 0700, owned by the service: what must not be world-readable. */
  readonly privateDir: string;
  /** Podman `--env-file` (podman mode) or NUL-separated KEY=VALUE entries (direct mode); mode 0600. */
  readonly envFile: string;
  /** A containers-auth.json for a private image; mode 0600, removed by the wrapper after the pull. */
  readonly authFile: string;
  /** What Slurm itself writes about the job (sbatch --error): kept out of the session's log. */
  readonly slurmMessages: string;
  /** The container's /etc/passwd and /etc/group: the image's, merged on the node with the job's entries; mode 0644. */
  readonly passwdFile: string;
  readonly groupFile: string;
  /** One value per file, for variables that cannot go in an env file; mode 0600. */
  secretFile(index: number): string;
}

/** What the wrapper must know about the files written for a run. */
export interface PreparedRunFiles {
  readonly paths: RunFilePaths;
  /** Variables passed as Podman secrets (podman mode), in the order of their files. */
  readonly secretKeys: readonly string[];
  readonly hasAuth: boolean;
}

/** True when a value can go in Podman's `--env-file` unchanged. */
export const fitsEnvFile = (value: string): boolean => !/[\r\n]/.test(value) && value.length <= ENV_FILE_VALUE_MAX;

/** The registry credentials file Podman reads with `--authfile`. */
export function authFileContent(image: string, username: string, secret: string): string {
  const host = parseImageReference(image).host ?? "docker.io";
  return JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${username}:${secret}`).toString("base64") } } });
}

/** The files of runs on the shared data directory: written before sbatch, removed when the run is released. */
export interface RunFiles {
  pathsOf(jobId: string, logPath: string): RunFilePaths;
  /** Writes the run's environment (and registry credentials) where only the service can read them. */
  write(run: RunRequest, mode: "podman" | "direct"): Promise<PreparedRunFiles>;
  /** Removes the run's private files and exit record. Idempotent. */
  remove(jobId: string, logPath: string): Promise<void>;
}

/** Run files under `<dataDir>/slurm/<shard>/<jobId>/`, plus the exit record beside the log. */
export function createRunFiles(dataDir: string): RunFiles {
  const root = join(dataDir, "slurm");
  const pathsOf = (jobId: string, logPath: string): RunFilePaths => {
    const privateDir = join(root, jobId.slice(0, 2), jobId);
    return {
      exitRecord: join(dirname(logPath), `${jobId}.exit`),
      privateDir,
      envFile: join(privateDir, "env"),
      authFile: join(privateDir, "auth.json"),
      slurmMessages: join(privateDir, "slurm.err"),
      passwdFile: join(privateDir, "passwd"),
      groupFile: join(privateDir, "group"),
      secretFile: (i) => join(privateDir, `secret-${i}`),
    };
  };
  return {
    pathsOf,
    async write(run, mode) {
      const paths = pathsOf(run.jobId, run.logPath);
      await mkdir(root, { recursive: true, mode: 0o700 });
      await rm(paths.privateDir, { recursive: true, force: true });
      await mkdir(paths.privateDir, { recursive: true, mode: 0o700 });
      const secretKeys: string[] = [];
      let envText = "";
      for (const [key, value] of run.env) {
        if (mode === "direct") {
          envText += `${key}=${value}\0`;
        } else if (fitsEnvFile(value)) {
          envText += `${key}=${value}\n`;
        } else {
          await writeFile(paths.secretFile(secretKeys.length), value, { mode: 0o600 });
          secretKeys.push(key);
        }
      }
      await writeFile(paths.envFile, envText, { mode: 0o600 });
      if (run.registryAuth) {
        await writeFile(paths.authFile, authFileContent(run.image, run.registryAuth.username, run.registryAuth.secret), { mode: 0o600 });
      }
      await rm(paths.exitRecord, { force: true }); // never read the end of an earlier attempt
      return { paths, secretKeys, hasAuth: run.registryAuth !== null };
    },
    async remove(jobId, logPath) {
      const paths = pathsOf(jobId, logPath);
      await rm(paths.privateDir, { recursive: true, force: true });
      await rm(paths.exitRecord, { force: true });
    },
  };
}
