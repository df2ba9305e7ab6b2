import { InvalidRequestError } from "./client-error.js";

import { API_VERSIONS, type ApiVersion } from "../contracts/api-version.js";

export { API_VERSIONS, type ApiVersion } from "../contracts/api-version.js";

/**
 * The versioned API base for a server address. Accepted forms: a server root
 * (`http://127.0.0.1:8080` → `…/skaha/v1`), the service (`https://ws-uv.canfar.net/skaha`
 * → `…/skaha/v1`), or a versioned base (`…/skaha/v0`, whose version wins).
 */
export function resolveServiceUrl(url: string, version: ApiVersion = "v1"): { baseUrl: string; apiVersion: ApiVersion } {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new InvalidRequestError(`Invalid server URL ${JSON.stringify(url)}: give http(s)://host[:port], e.g. https://ws-uv.canfar.net/skaha.`, "url");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new InvalidRequestError(`Invalid server URL ${url}: only http:// and https:// are supported.`, "url");
  if (u.username || u.password) throw new InvalidRequestError("Do not put credentials in the server URL; use a token or a certificate.", "url");
  const path = u.pathname.replace(/\/+$/, "");
  const versioned = /\/(v\d+)$/.exec(path);
  u.search = "";
  u.hash = "";
  if (versioned) {
    const v = versioned[1]!;
    if (!(API_VERSIONS as readonly string[]).includes(v)) throw new InvalidRequestError(`Unsupported API version ${v} in ${url}: use v0 or v1.`, "url");
    u.pathname = path;
    return { baseUrl: u.toString().replace(/\/+$/, ""), apiVersion: v as ApiVersion };
  }
  u.pathname = path.endsWith("/skaha") ? `${path}/${version}` : `${path}/skaha/${version}`;
  return { baseUrl: u.toString().replace(/\/+$/, ""), apiVersion: version };
}
