import { parseImageReference } from "./image-reference.js";

/** What the engine says about an image a reference resolves to. */
export interface EngineImageFacts {
  readonly id: string;
  /** Its names, fully qualified as the engine keeps them (`localhost/x:1`, `registry:5000/p/x:1`). */
  readonly tags: readonly string[];
}

export type LocalImageDecision =
  /** Run it under this name (canonical, so the engine cannot resolve it differently later). */
  | { readonly kind: "allowed"; readonly image: string }
  /** The reference reaches a copy of an image pulled from a configured registry. */
  | { readonly kind: "refused"; readonly copyOf: string };

const hostOf = (tag: string): string | null => parseImageReference(tag).host;

/**
 * May a reference without a registry host (or under `localhost/`) run the image the
 * engine resolves it to? The engine resolves short names, ids and digests to any image
 * it holds, including copies of private images pulled from a registry with another
 * user's credentials. So:
 *   - a name that is exactly one of the image's `localhost/` names is the operator's
 *     local image: allowed, under that name;
 *   - otherwise, an image that came from a configured registry (it carries one of
 *     their hosts) is refused: it must be named by its registry reference, where
 *     access is decided for each user;
 *   - anything else the operator put on the engine is allowed, under its first name.
 * Pure.
 */
export function decideLocalImage(reference: string, found: EngineImageFacts, registryHosts: ReadonlySet<string>): LocalImageDecision {
  const ref = parseImageReference(reference);
  const localName = `localhost/${ref.path}:${ref.tag ?? "latest"}`;
  if (!ref.digest && (ref.host === null || ref.host === "localhost") && found.tags.includes(localName)) return { kind: "allowed", image: localName };
  const fromRegistry = found.tags.find((t) => {
    const host = hostOf(t);
    return host !== null && registryHosts.has(host);
  });
  if (fromRegistry) return { kind: "refused", copyOf: fromRegistry };
  return { kind: "allowed", image: found.tags[0] ?? reference.trim() };
}
