import type Docker from "dockerode";
import type { Clock } from "../../domain/clock.js";
import { ExecutorError } from "../../domain/errors.js";
import type { RunEventListener, RunRequest } from "../executor.js";
import { engineMessage } from "./engine-errors.js";

/** The registry host of an image reference, as the engine's auth config wants it. */
function registryOf(image: string): string {
  const first = image.split("/")[0] ?? "";
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first : "docker.io";
}

interface ProgressLine {
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
}

/** Runs a pull stream to its end; the engine reports failures inside the stream as `{"error": …}` lines. */
function finishPull(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, output: ProgressLine[]) => {
      const failed = output.find((o) => o.error ?? o.errorDetail?.message);
      if (err) reject(err);
      else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error));
      else resolve();
    });
  });
}

/**
 * Starts a pull. Registries on the insecure list are pulled through Podman's own
 * endpoint with TLS verification off (the Docker-compatible one has no such switch);
 * the others through the Docker-compatible endpoint any engine has.
 */
async function startPull(docker: Docker, run: RunRequest, insecure: boolean): Promise<NodeJS.ReadableStream> {
  const authconfig = run.registryAuth
    ? { username: run.registryAuth.username, password: run.registryAuth.secret, serveraddress: registryOf(run.image) }
    : undefined;
  if (!insecure) return docker.pull(run.image, authconfig ? { authconfig } : {});
  return new Promise((resolve, reject) => {
    docker.modem.dial({
      path: "/v4.0.0/libpod/images/pull?",
      method: "POST",
      options: { _query: { reference: run.image, tlsVerify: false, policy: "always" }, _body: {} },
      ...(authconfig ? { authconfig } : {}),
      isStream: true,
      statusCodes: { 200: true, 400: "bad parameter", 500: "server error" },
    }, (err: unknown, stream: unknown) => (err ? reject(err instanceof Error ? err : new Error(engineMessage(err))) : resolve(stream as NodeJS.ReadableStream)));
  });
}

/**
 * Pulls the run's image, with the user's registry credentials when given, reporting
 * Pulling/Pulled events. A failed pull rejects the run with the registry's words
 * (e.g. "unauthorized: authentication required"); credentials never appear in them.
 */
export async function pullImage(docker: Docker, run: RunRequest, listener: RunEventListener, o: { insecure: boolean; clock: Clock }): Promise<void> {
  const startedMs = o.clock.now().getTime();
  listener({ kind: "note", jobId: run.jobId, type: "Normal", reason: "Pulling", message: `Pulling image "${run.image}"`, at: o.clock.now() });
  try {
    await finishPull(docker, await startPull(docker, run, o.insecure));
  } catch (e) {
    const words = engineMessage(e);
    const why = /unauthori[sz]ed|authentication required|denied|invalid username\/password/i.test(words) ? "image pull unauthorized" : "image pull failed";
    listener({ kind: "note", jobId: run.jobId, type: "Warning", reason: "Failed", message: `${why}: ${words}`, at: o.clock.now() });
    throw new ExecutorError("EXECUTOR_REJECTED", `${why}: ${words}`, { cause: e });
  }
  const seconds = ((o.clock.now().getTime() - startedMs) / 1000).toFixed(1);
  listener({ kind: "note", jobId: run.jobId, type: "Normal", reason: "Pulled", message: `Successfully pulled image "${run.image}" in ${seconds}s`, at: o.clock.now() });
}
