/**
 * A small client of the OCI distribution API, enough to list what a registry offers
 * anonymously: `/v2/_catalog`, tags, manifests (following an index to one platform)
 * and the image config's labels. Authentication challenges are answered as clients
 * do without an account: a Bearer challenge gets an anonymous token from its realm
 * (Harbor, Docker Hub, GitLab); a Basic challenge means the content is private.
 */

/** A registry skyrun may pull from, by exact host[:port]. */
export interface RegistryEndpoint {
  readonly host: string;
  /** Plain HTTP: a registry on loopback or a trusted network. */
  readonly insecure: boolean;
}

export interface ManifestInfo {
  /** Digest of the manifest (or index) the tag names. */
  readonly digest: string;
  /** Digest of the image config of the chosen platform, when there is one. */
  readonly configDigest: string | undefined;
}

export interface RegistryClient {
  readonly endpoint: RegistryEndpoint;
  /** Repository names, all pages. */
  repositories(limit: number): Promise<string[]>;
  tags(repository: string, limit: number): Promise<string[]>;
  /** @returns undefined when the manifest cannot be read anonymously (private or missing). */
  manifest(repository: string, reference: string): Promise<ManifestInfo | undefined>;
  labels(repository: string, configDigest: string): Promise<Record<string, string>>;
}

/** The registry wants credentials we do not have: the content is not public. */
export class RegistryAuthRequired extends Error {
  override name = "RegistryAuthRequired";
}

const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** Parses `Bearer realm="…",service="…",scope="…"` (or Basic) into its scheme and parameters. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const space = header.indexOf(" ");
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  for (const m of header.slice(space + 1).matchAll(/([a-zA-Z_]+)="([^"]*)"/g)) params[m[1]!.toLowerCase()] = m[2]!;
  return { scheme, params };
}

/** The `next` URL of an RFC 5988 Link header, as the catalog and tags endpoints paginate. */
const nextLink = (link: string | null): string | undefined => (link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1] : undefined);

interface Platform {
  readonly os?: string;
  readonly architecture?: string;
}

interface ManifestDocument {
  readonly mediaType?: string;
  readonly config?: { readonly digest?: string };
  readonly manifests?: readonly { readonly digest: string; readonly platform?: Platform }[];
}

/** The engine's architecture in OCI terms, to pick a platform from an index. */
const ARCH = process.arch === "x64" ? "amd64" : process.arch === "arm64" ? "arm64" : process.arch;

export function createRegistryClient(endpoint: RegistryEndpoint, o: { timeoutMs?: number } = {}): RegistryClient {
  const base = `${endpoint.insecure ? "http" : "https"}://${endpoint.host}`;
  const timeoutMs = o.timeoutMs ?? 10_000;
  /** Anonymous bearer tokens by scope, until they expire. */
  const tokens = new Map<string, { value: string; expiresAtMs: number }>();

  async function anonymousToken(params: Record<string, string>, scope: string): Promise<string> {
    const cached = tokens.get(scope);
    if (cached && cached.expiresAtMs > Date.now()) return cached.value;
    if (!params.realm) throw new RegistryAuthRequired(`${endpoint.host}: bearer challenge without a realm`);
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set("service", params.service);
    url.searchParams.set("scope", params.scope ?? scope);
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (res.status === 401 || res.status === 403) throw new RegistryAuthRequired(`${endpoint.host}: no anonymous access to ${scope}`);
    if (!res.ok) throw new Error(`${endpoint.host}: token service answered ${res.status}`);
    const body = (await res.json()) as { token?: string; access_token?: string; expires_in?: number };
    const value = body.token ?? body.access_token;
    if (!value) throw new Error(`${endpoint.host}: token service sent no token`);
    tokens.set(scope, { value, expiresAtMs: Date.now() + Math.max(30, (body.expires_in ?? 60) - 10) * 1000 });
    return value;
  }

  /** GET with the anonymous challenge dance; 401 after it means credentials are needed. */
  async function get(pathOrUrl: string, scope: string, accept: string): Promise<Response> {
    const url = pathOrUrl.startsWith("http") ? pathOrUrl : `${base}${pathOrUrl}`;
    const cached = tokens.get(scope);
    const headers: Record<string, string> = { accept, ...(cached && cached.expiresAtMs > Date.now() ? { authorization: `Bearer ${cached.value}` } : {}) };
    let res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (res.status === 401) {
      const challenge = parseChallenge(res.headers.get("www-authenticate") ?? "");
      await res.body?.cancel();
      if (challenge.scheme !== "bearer") throw new RegistryAuthRequired(`${endpoint.host}: ${challenge.scheme || "authentication"} required`);
      headers.authorization = `Bearer ${await anonymousToken(challenge.params, scope)}`;
      res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
      if (res.status === 401 || res.status === 403) {
        await res.body?.cancel();
        throw new RegistryAuthRequired(`${endpoint.host}: ${scope} is not public`);
      }
    }
    return res;
  }

  async function paged(path: string, key: "repositories" | "tags", scope: string, limit: number): Promise<string[]> {
    const out: string[] = [];
    let next: string | undefined = path;
    while (next && out.length < limit) {
      const res = await get(next, scope, "application/json");
      if (res.status === 404) return out;
      if (!res.ok) throw new Error(`${endpoint.host}: ${path} answered ${res.status}`);
      const body = (await res.json()) as Partial<Record<typeof key, string[] | null>>;
      out.push(...(body[key] ?? []));
      const link = nextLink(res.headers.get("link"));
      next = link ? new URL(link, base).toString() : undefined;
    }
    return out.slice(0, limit);
  }

  const repoScope = (repository: string) => `repository:${repository}:pull`;

  async function readManifest(repository: string, reference: string): Promise<{ doc: ManifestDocument; digest: string } | undefined> {
    const res = await get(`/v2/${repository}/manifests/${reference}`, repoScope(repository), MANIFEST_TYPES);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`${endpoint.host}: manifest of ${repository}:${reference} answered ${res.status}`);
    return { doc: (await res.json()) as ManifestDocument, digest: res.headers.get("docker-content-digest") ?? reference };
  }

  return {
    endpoint,
    repositories: (limit) => paged(`/v2/_catalog?n=100`, "repositories", "registry:catalog:*", limit),
    tags: (repository, limit) => paged(`/v2/${repository}/tags/list?n=100`, "tags", repoScope(repository), limit),
    async manifest(repository, reference) {
      let top;
      try {
        top = await readManifest(repository, reference);
      } catch (e) {
        if (e instanceof RegistryAuthRequired) return undefined;
        throw e;
      }
      if (!top) return undefined;
      let doc = top.doc;
      if (doc.manifests) {
        const pick = doc.manifests.find((m) => m.platform?.os === "linux" && m.platform.architecture === ARCH) ?? doc.manifests[0];
        doc = pick ? (await readManifest(repository, pick.digest))?.doc ?? {} : {};
      }
      return { digest: top.digest, configDigest: doc.config?.digest };
    },
    async labels(repository, configDigest) {
      const res = await get(`/v2/${repository}/blobs/${configDigest}`, repoScope(repository), "application/json");
      if (!res.ok) return {};
      const config = (await res.json()) as { config?: { Labels?: Record<string, string> | null } };
      return config.config?.Labels ?? {};
    },
  };
}
