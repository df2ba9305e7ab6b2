import { randomBytes } from "node:crypto";
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type Docker from "dockerode";
import type { Logger } from "pino";
import { mergeGroup, mergePasswd } from "../../domain/posix-accounts.js";
import type { RunRequest } from "../executor.js";
import { statusCodeOf, toExecutorError } from "./engine-errors.js";

/** The image's own account files, as text ("" when the image has none). */
interface ImageAccountFiles {
  readonly passwd: string;
  readonly group: string;
}

/** Image ids whose files are remembered; images are few, and each entry is a few KB. */
const MAX_CACHED_IMAGES = 256;

/** The content of the first regular file in a tar stream (the Engine API's archive format). */
function firstFileOfTar(tar: Buffer): string {
  if (tar.length < 512) return "";
  const type = String.fromCharCode(tar[156] ?? 0x30);
  // A symlinked /etc/passwd cannot be followed from outside the container: treat it as absent.
  if (type !== "0" && type !== "\0") return "";
  const size = parseInt(tar.subarray(124, 136).toString("latin1").replace(/\0.*$/s, "").trim(), 8);
  if (!Number.isFinite(size) || size <= 0) return "";
  return tar.subarray(512, 512 + size).toString("utf8");
}

async function readArchiveFile(container: Docker.Container, path: string): Promise<string> {
  try {
    const stream = await container.getArchive({ path });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return firstFileOfTar(Buffer.concat(chunks));
  } catch (e) {
    if (statusCodeOf(e) === 404) return "";
    throw e;
  }
}

/**
 * Gives each job an `/etc/passwd` and `/etc/group` that name its user and groups,
 * whatever the image's own files say. The image's files are read once per image id,
 * from a container that is created and never started (the Engine API archive), and
 * remembered; the merged files are written per job and mounted read-only.
 */
/** Host paths of a job's merged account files. */
export interface AccountFilePaths {
  readonly passwd: string;
  readonly group: string;
}

export interface JobAccountFiles {
  /** Writes the job's files and returns where they are. The image (with this id) must be present. */
  prepare(run: RunRequest, imageId: string): Promise<AccountFilePaths>;
  /** Removes the job's files. Idempotent. */
  remove(jobId: string): Promise<void>;
}

/** Label on the containers that read an image's account files, carrying the server's instance id. */
export const LABEL_ACCOUNTS_PROBE = "skyrun.accounts-probe";

export function createJobAccountFiles(docker: Docker, dirOf: (jobId: string) => string, o: { readonly instanceId: string; readonly log: Logger }): JobAccountFiles {
  const cache = new Map<string, ImageAccountFiles>();
  /** Reads in flight, by image id: concurrent jobs on one new image share one probe. */
  const reading = new Map<string, Promise<ImageAccountFiles>>();

  async function probe(id: string): Promise<ImageAccountFiles> {
    let container: Docker.Container;
    try {
      // Never started; an entrypoint is given so images without CMD can be created too.
      container = await docker.createContainer({ Image: id, name: `skyrun-accounts-${randomBytes(6).toString("hex")}`, Entrypoint: ["/nonexistent"], Labels: { [LABEL_ACCOUNTS_PROBE]: o.instanceId }, HostConfig: { NetworkMode: "none" } });
    } catch (e) {
      throw toExecutorError(e, "reading the image's /etc/passwd");
    }
    try {
      const files = { passwd: await readArchiveFile(container, "/etc/passwd"), group: await readArchiveFile(container, "/etc/group") };
      if (cache.size >= MAX_CACHED_IMAGES) cache.delete(cache.keys().next().value!);
      cache.set(id, files);
      return files;
    } catch (e) {
      throw toExecutorError(e, "reading the image's /etc/passwd");
    } finally {
      // A probe left behind is removed at the next start (removeLeftoverProbes).
      await container.remove({ force: true }).catch((e: unknown) => o.log.warn({ container: container.id, err: (e as Error).message }, "could not remove an account-file probe container"));
    }
  }

  async function imageFiles(id: string): Promise<ImageAccountFiles> {
    const cached = cache.get(id);
    if (cached) return cached;
    let pending = reading.get(id);
    if (!pending) {
      pending = probe(id).finally(() => reading.delete(id));
      reading.set(id, pending);
    }
    return pending;
  }

  return {
    async prepare(run, imageId) {
      const files = await imageFiles(imageId);
      const dir = dirOf(run.jobId);
      // Asynchronous: synchronous file calls here held the event loop once per job (profiled, issue 13).
      await mkdir(dir, { recursive: true, mode: 0o755 });
      const passwd = join(dir, "passwd");
      const group = join(dir, "group");
      await Promise.all([
        writeFile(passwd, mergePasswd(files.passwd, run.accounts), { mode: 0o644 }).then(() => chmod(passwd, 0o644)),
        writeFile(group, mergeGroup(files.group, run.accounts), { mode: 0o644 }).then(() => chmod(group, 0o644)),
      ]);
      return { passwd, group };
    },
    remove: (jobId) => rm(dirOf(jobId), { recursive: true, force: true }),
  };
}

/**
 * Removes the account-file probes a previous run of this server left (killed between
 * creating and removing one), and those of any skyrun before probes carried an
 * instance id. Never throws.
 */
export async function removeLeftoverProbes(docker: Docker, instanceId: string, log: Logger): Promise<void> {
  const mine = await docker.listContainers({ all: true, filters: { label: [LABEL_ACCOUNTS_PROBE] } }).catch(() => []);
  for (const c of mine) {
    const owner = c.Labels[LABEL_ACCOUNTS_PROBE];
    if (owner !== instanceId && owner !== "true") continue; // another server's, in use
    await docker.getContainer(c.Id).remove({ force: true }).catch((e: unknown) => {
      if (statusCodeOf(e) !== 404) log.warn({ container: c.Id, err: (e as Error).message }, "could not remove a leftover account-file probe container");
    });
  }
}
