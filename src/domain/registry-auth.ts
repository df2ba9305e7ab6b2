import { invalid } from "./errors.js";

export interface RegistryAuth {
  readonly username: string;
  readonly secret: string;
}

/**
 * Parses `x-skaha-registry-auth`: base64 of `username:secret`. Unlike the platform,
 * a secret may itself contain ':' (only the first one separates).
 */
export function parseRegistryAuthHeader(value: string): RegistryAuth {
  const fail = () => invalid("Invalid x-skaha-registry-auth header: it must be base64 of 'username:secret', e.g. $(echo -n 'me:my-cli-secret' | base64).", { parameter: "x-skaha-registry-auth" });
  const trimmed = value.trim();
  if (!/^[A-Za-z0-9+/=_-]+$/.test(trimmed)) throw fail();
  const decoded = Buffer.from(trimmed, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0 || colon === decoded.length - 1) throw fail();
  return { username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}
