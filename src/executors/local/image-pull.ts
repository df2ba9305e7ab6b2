import type Docker from "dockerode";
import { ExecutorError } from "../../domain/errors.js";
import type { RunEventListener, RunRequest } from "../executor.js";
import { engineMessage } from "./engine-errors.js";

/** The registry host of an image reference, as the engine's auth config wants it. */
function registryOf(image: string): string {
  const first = image.split("/")[0] ?? "";
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first : "docker.io";
}

/**
 * Pulls the run's image, with the user's registry credentials when given, reporting
 * Pulling/Pulled events. A failed pull rejects the run with the registry's words
 * (e.g. "unauthorized: authentication required").
 */
export async function pullImage(docker: Docker, run: RunRequest, listener: RunEventListener): Promise<void> {
  const startedMs = Date.now();
  listener({ kind: "note", jobId: run.jobId, type: "Normal", reason: "Pulling", message: `Pulling image "${run.image}"`, at: new Date() });
  const authconfig = run.registryAuth
    ? { username: run.registryAuth.username, password: run.registryAuth.secret, serveraddress: registryOf(run.image) }
    : undefined;
  try {
    const stream = await docker.pull(run.image, authconfig ? { authconfig } : {});
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve()));
    });
  } catch (e) {
    const words = engineMessage(e);
    const why = /unauthori[sz]ed|authentication required|denied|invalid username\/password/i.test(words) ? "image pull unauthorized" : "image pull failed";
    listener({ kind: "note", jobId: run.jobId, type: "Warning", reason: "Failed", message: `${why}: ${words}`, at: new Date() });
    throw new ExecutorError("EXECUTOR_REJECTED", `${why}: ${words}`, { cause: e });
  }
  const seconds = ((Date.now() - startedMs) / 1000).toFixed(1);
  listener({ kind: "note", jobId: run.jobId, type: "Normal", reason: "Pulled", message: `Successfully pulled image "${run.image}" in ${seconds}s`, at: new Date() });
}
