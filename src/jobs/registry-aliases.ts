import type { Params } from "../domain/create-request.js";

/** The registry host the platform's clients put in front of short image names. */
export const PLATFORM_REGISTRY = "images.canfar.net";

/**
 * An image name with the operator's registry aliases applied: when its registry host is
 * one that clients assume (say `images.canfar.net`, which the canfar client adds to every
 * name of fewer than three parts), the host is replaced by the one this site serves it
 * from, `localhost` (the engine's own images) or an allowed `HOST[:PORT]`:
 *
 *   images.canfar.net/skaha/astroml:1.0 → localhost/skaha/astroml:1.0
 *
 * A name that already named a registry before the client prefixed it (`localhost/x`,
 * `mirror:5000/x`, which canfar turns into `images.canfar.net/localhost/x`) is given back
 * as it was written. Only the unambiguous forms are undone: `localhost` and a host with a
 * port; a dotted first part could be a project name, so `images.canfar.net/my.org/x`
 * maps like any other. Names whose host has no alias are returned unchanged.
 */
export function applyRegistryAlias(image: string, aliases: Readonly<Record<string, string>>): string {
  const value = image.trim();
  const slash = value.indexOf("/");
  if (slash <= 0) return image;
  const host = value.slice(0, slash).toLowerCase();
  if (!Object.hasOwn(aliases, host)) return image;
  const target = aliases[host]!;
  const rest = value.slice(slash + 1);
  const first = rest.split("/")[0] ?? "";
  if (rest.includes("/") && (first === "localhost" || first.includes(":"))) return rest;
  return `${target}/${rest}`;
}

/** Create parameters with `image` aliased; see {@link applyRegistryAlias}. */
export function withRegistryAliases(params: Params, aliases: Readonly<Record<string, string>>): Params {
  const images = params.get("image");
  if (!images || Object.keys(aliases).length === 0) return params;
  const out = new Map(params);
  out.set("image", images.map((v) => (typeof v === "string" ? applyRegistryAlias(v, aliases) : v)));
  return out;
}
