import type Docker from "dockerode";
import type { Clock } from "../../domain/clock.js";
import { ExecutorError } from "../../domain/errors.js";
import { parseImageReference } from "../../domain/image-reference.js";
import type { EngineImage, RunEventListener, RunRequest } from "../executor.js";
import { engineMay } from "./container-inspection.js";
import { statusCodeOf, toExecutorError } from "./engine-errors.js";
import { pullImage } from "./image-pull.js";

/** Image name → id is remembered this long: a burst of jobs on one image asks the engine once. */
const IMAGE_ID_TTL_MS = 10_000;
const IMAGE_ID_CACHE_SIZE = 1000;

/** Images named without a registry host, or under `localhost/`, belong to the engine: never pulled. */
export const isEngineLocal = (image: string): boolean => {
  const host = parseImageReference(image).host;
  return host === null || host === "localhost";
};

export interface ImageResolution {
  /** The image's id on the engine, or undefined when the engine does not hold it. */
  idOf(image: string): Promise<string | undefined>;
  /** The image's id for a run, pulling it first when the run must (private images always, others when missing). */
  forRun(run: RunRequest, listener: RunEventListener): Promise<string>;
}

/**
 * Finds runs' images on the engine. A stale cache entry costs nothing worse than a
 * failed create, which is reported as such.
 */
export function createImageResolution(docker: Docker, clock: Clock, o: { readonly insecureRegistries: ReadonlySet<string> }): ImageResolution {
  const ids = new Map<string, { id: string; atMs: number }>();

  async function idOf(image: string): Promise<string | undefined> {
    const nowMs = clock.now().getTime();
    const hit = ids.get(image);
    if (hit && nowMs - hit.atMs < IMAGE_ID_TTL_MS) return hit.id;
    try {
      const id = (await docker.getImage(image).inspect()).Id;
      ids.set(image, { id, atMs: nowMs });
      if (ids.size > IMAGE_ID_CACHE_SIZE) ids.delete(ids.keys().next().value!);
      return id;
    } catch (e) {
      ids.delete(image);
      if (statusCodeOf(e) === 404) return undefined;
      throw toExecutorError(e, "inspecting the image");
    }
  }

  return {
    idOf,
    async forRun(run, listener) {
      let imageId = await idOf(run.image);
      if (isEngineLocal(run.image)) {
        if (imageId === undefined) throw new ExecutorError("EXECUTOR_REJECTED", `image ${run.image} is not on this machine's container engine (images without a registry host, or under localhost/, are never pulled; see GET /image)`);
        return imageId;
      }
      if (run.registryAuth !== null || imageId === undefined) {
        // A private image is pulled with the user's credentials every time, so a cached copy
        // never lets someone without access run it (Kubernetes' AlwaysPullImages).
        await pullImage(docker, run, listener, { insecure: o.insecureRegistries.has(parseImageReference(run.image).host ?? ""), clock });
        ids.delete(run.image);
        imageId = await idOf(run.image);
        if (imageId === undefined) throw new ExecutorError("EXECUTOR_REJECTED", `image ${run.image} is not on the engine after pulling it`);
      }
      return imageId;
    },
  };
}

/** The images the engine holds, with their tags, digest and labels. */
export async function listEngineImages(docker: Docker): Promise<EngineImage[]> {
  try {
    return (await docker.listImages()).map((i) => ({
      id: i.Id,
      tags: (i.RepoTags ?? []).filter((t) => t !== "<none>:<none>"),
      digest: (i.RepoDigests?.[0] ?? "").split("@")[1] ?? i.Id,
      labels: engineMay(i.Labels) ?? {},
    }));
  } catch (e) {
    throw toExecutorError(e, "listing images");
  }
}
