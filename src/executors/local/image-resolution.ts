import type Docker from "dockerode";
import type { Clock } from "../../domain/clock.js";
import { ExecutorError } from "../../domain/errors.js";
import { decideLocalImage, type EngineImageFacts } from "../../domain/image-access.js";
import { isEngineLocalName, parseImageReference } from "../../domain/image-reference.js";
import type { EngineImage, RunEventListener, RunRequest } from "../executor.js";
import { engineMay } from "./container-inspection.js";
import { statusCodeOf, toExecutorError } from "./engine-errors.js";
import { pullImage } from "./image-pull.js";

/** Image name → id is remembered this long: a burst of jobs on one image asks the engine once. */
const IMAGE_ID_TTL_MS = 10_000;
const IMAGE_ID_CACHE_SIZE = 1000;


export interface ImageResolution {
  /** The image's id on the engine, or undefined when the engine does not hold it. */
  idOf(image: string): Promise<string | undefined>;
  /** The image (by name, id or digest) as the engine resolves it, with its names. */
  inspect(reference: string): Promise<EngineImageFacts | undefined>;
  /** The image's id for a run, pulling it first when the run must (private images always, others when missing). */
  forRun(run: RunRequest, listener: RunEventListener): Promise<string>;
}

/**
 * Finds runs' images on the engine. A stale cache entry costs nothing worse than a
 * failed create, which is reported as such.
 */
export interface ImageResolutionOptions {
  readonly insecureRegistries: ReadonlySet<string>;
  /** Hosts of the registries users run images from: their copies on the engine are never run by another name. */
  readonly registryHosts: ReadonlySet<string>;
}

export function createImageResolution(docker: Docker, clock: Clock, o: ImageResolutionOptions): ImageResolution {
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

  async function inspect(reference: string): Promise<EngineImageFacts | undefined> {
    try {
      const info = await docker.getImage(reference).inspect();
      return { id: info.Id, tags: (engineMay(info.RepoTags) ?? []).filter((t) => t !== "<none>:<none>") };
    } catch (e) {
      if (statusCodeOf(e) === 404) return undefined;
      throw toExecutorError(e, "inspecting the image");
    }
  }

  return {
    idOf,
    inspect,
    async forRun(run, listener) {
      if (isEngineLocalName(run.image)) {
        const found = await inspect(run.image);
        if (!found) throw new ExecutorError("EXECUTOR_REJECTED", `image ${run.image} is not on this machine's container engine (images without a registry host, or under localhost/, are never pulled; see GET /image)`);
        // Checked at create too; checked again here because names can move between the two.
        const decision = decideLocalImage(run.image, found, o.registryHosts);
        if (decision.kind === "refused") throw new ExecutorError("EXECUTOR_REJECTED", `image ${run.image} is a copy of ${decision.copyOf}, which comes from a registry: name it by that reference`);
        return found.id;
      }
      let imageId = await idOf(run.image);
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
