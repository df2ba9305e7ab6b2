import { invalid } from "../domain/errors.js";
import { isEngineLocalName, parseImageReference } from "../domain/image-reference.js";
import type { RegistryAuth } from "../domain/registry-auth.js";
import type { JobServiceDeps } from "./job-service-deps.js";
import { PLATFORM_REGISTRY } from "./registry-aliases.js";

/**
 * Where the image may come from (after registry aliases), and whether the caller's
 * credentials are needed:
 *   - a reference without a registry host (or under `localhost/`) must reach one of the
 *     engine's own images, never a copy of a registry's private image that the engine
 *     would otherwise resolve a short name, id or digest to (domain/image-access.ts); it
 *     runs under the canonical name the check found; credentials are not kept;
 *   - otherwise its registry must be one of the configured hosts, compared exactly
 *     (the platform compares by prefix, so `images.canfar.net.evil.org` passed);
 *   - an image the registry does not serve anonymously needs `x-skaha-registry-auth`.
 * @returns the image to run (canonical for engine images) and the credentials to keep for the pull, or null.
 */
export async function checkImageSource(deps: Pick<JobServiceDeps, "registries" | "images">, image: string, auth: RegistryAuth | null): Promise<{ image: string; auth: RegistryAuth | null }> {
  if (isEngineLocalName(image)) {
    const decision = await deps.images.resolveLocal(image);
    if (decision?.kind === "refused") {
      throw invalid(
        `Invalid value for 'image': ${image} is, on this server's engine, a copy of ${decision.copyOf}, which comes from a registry. Name it ${decision.copyOf}; a private image needs your credentials in the x-skaha-registry-auth header.`,
        { parameter: "image" },
      );
    }
    return { image: decision?.image ?? image, auth: null };
  }
  const ref = parseImageReference(image);
  if (ref.host === null || !deps.registries.includes(ref.host)) {
    const allowed = deps.registries.length > 0 ? `images from ${deps.registries.join(", ")} (exact host and port) or` : "only";
    const hint = ref.host === PLATFORM_REGISTRY
      ? ` (The canfar client puts ${PLATFORM_REGISTRY}/ in front of names of fewer than three parts; the operator can map that host to this site's images with registryAliases.)`
      : "";
    throw invalid(`Invalid value for 'image': registry ${ref.host} is not allowed here. This server runs ${allowed} images on its own container engine (localhost/…, see GET /image).${hint}`, { parameter: "image" });
  }
  if (auth) return { image, auth };
  if (await deps.images.isPublic(ref)) return { image, auth: null };
  throw invalid(
    `No authentication provided for unknown or private image ${image}. Use the x-skaha-registry-auth request header with base64Encode(username:secret), e.g. --header "x-skaha-registry-auth: $(echo -n 'me:my-cli-secret' | base64)".`,
    { parameter: "x-skaha-registry-auth" },
  );
}

