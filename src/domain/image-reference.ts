import { invalid } from "./errors.js";

/**
 * An OCI image reference, `[host[:port]/]path[:tag][@digest]`, checked against the
 * distribution grammar so nothing odd (spaces, `..`, uppercase paths, shell
 * characters) ever reaches the engine or a file name.
 */
export interface ImageReference {
  /** Registry host with optional port, or null for an engine-local name such as `busybox`. */
  readonly host: string | null;
  readonly path: string;
  readonly tag: string | null;
  readonly digest: string | null;
}

const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

/** @throws AppError VALIDATION_FAILED naming `image` and the expected form. */
export function parseImageReference(raw: string): ImageReference {
  const fail = (why: string) =>
    invalid(`Invalid value for 'image': ${JSON.stringify(raw)} ${why}. Expected [registry[:port]/]path[:tag][@sha256:digest], e.g. images.example.org/project/name:1.0.`, { parameter: "image" });
  const value = raw.trim();
  if (value.length === 0) throw invalid("Missing parameter 'image': name the container image to run.", { parameter: "image" });
  if (value.length > 512) throw fail("is too long");
  let rest = value;
  let digest: string | null = null;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw fail("has a malformed digest");
  }
  const parts = rest.split("/");
  let host: string | null = null;
  const first = parts[0] ?? "";
  if (parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost")) {
    host = first;
    parts.shift();
    if (!HOST.test(host)) throw fail("has a malformed registry host");
  }
  let tag: string | null = null;
  const last = parts[parts.length - 1] ?? "";
  const colon = last.lastIndexOf(":");
  if (colon >= 0) {
    tag = last.slice(colon + 1);
    parts[parts.length - 1] = last.slice(0, colon);
    if (!TAG.test(tag)) throw fail("has a malformed tag");
  }
  if (parts.length === 0 || parts.some((p) => !COMPONENT.test(p))) throw fail("has a malformed repository path (lowercase letters, digits and . _ - only)");
  return { host, path: parts.join("/"), tag, digest };
}

/** The reference in canonical text form, with `:latest` when neither tag nor digest was given. */
export function formatImageReference(ref: ImageReference): string {
  const name = ref.host ? `${ref.host}/${ref.path}` : ref.path;
  const tag = ref.tag ?? (ref.digest ? null : "latest");
  return `${name}${tag ? `:${tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

/** Names without a registry host, or under `localhost/`, belong to the engine: never pulled. */
export const isEngineLocalName = (image: string): boolean => {
  const host = parseImageReference(image).host;
  return host === null || host === "localhost";
};
