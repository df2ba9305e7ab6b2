import { LRUCache } from "lru-cache";
import type { Logger } from "pino";
import { every, type Clock } from "../domain/clock.js";
import { isAppError } from "../domain/errors.js";
import { decideLocalImage, type EngineImageFacts, type LocalImageDecision } from "../domain/image-access.js";
import type { ImageReference } from "../domain/image-reference.js";
import { createRegistryClient, RegistryAuthRequired, type RegistryClient, type RegistryEndpoint } from "./registry-client.js";

/** The image label that lists the session types an image serves, comma-separated (e.g. `headless,notebook`). */
export const IMAGE_TYPES_LABEL = "ca.canfar.skyrun.types";

/** One image as `GET /image` shows it (reference §7). */
export interface CatalogImage {
  readonly id: string;
  readonly types: readonly string[];
  readonly digest: string;
}

/** An image the container engine holds (from the executor). */
export interface LocalImage {
  readonly tags: readonly string[];
  readonly digest: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ImageCatalog {
  /**
   * The public images of the configured registries (as of the last refresh) and the
   * engine's own images (`localhost/…` and names without a registry host), sorted by id.
   */
  list(): Promise<CatalogImage[]>;
  /**
   * True when the image can be pulled without credentials: the last refresh listed it,
   * or an anonymous read of its manifest succeeds now.
   */
  isPublic(image: ImageReference): Promise<boolean>;
  /**
   * For a reference without a registry host: may it run what the engine resolves it to,
   * and under which name (see domain/image-access.ts)? Undefined when the engine does
   * not hold it, or cannot be asked (its launch then says so).
   */
  resolveLocal(reference: string): Promise<LocalImageDecision | undefined>;
  /** Re-reads every registry now; concurrent calls share one refresh. Never throws. */
  refresh(): Promise<void>;
  /** Starts the periodic refresh (every `refreshSeconds`; 0 = never). */
  start(): void;
  close(): void;
}

export interface CatalogEndpoint extends RegistryEndpoint {
  /** Repositories to list when the registry does not publish `/v2/_catalog` anonymously (Harbor). */
  readonly repositories?: readonly string[];
}

export interface ImageCatalogOptions {
  readonly registries: readonly CatalogEndpoint[];
  readonly refreshSeconds: number;
  /** Caps per refresh, so a huge registry cannot stall skyrun. */
  readonly maxRepositories?: number;
  readonly maxTagsPerRepository?: number;
}

/** Types from the label; an unlabelled image serves `headless`, as any image can. */
export const typesOf = (labels: Readonly<Record<string, string>>): string[] => {
  const label = labels[IMAGE_TYPES_LABEL];
  const types = label ? label.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean) : [];
  return types.length > 0 ? types : ["headless"];
};

const isEngineName = (tag: string): boolean => {
  const first = tag.split("/")[0] ?? "";
  return !tag.includes("/") || first === "localhost" || !(first.includes(".") || first.includes(":"));
};

/** How long an anonymous manifest check is trusted, either way. */
const CHECK_TTL_MS = 60_000;
/** How long the engine's answer about a local image is reused. */
const LOCAL_DECISION_TTL_MS = 2000;

/** Runs `work` over `items`, `width` at a time. */
async function eachLimited<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/**
 * The image catalog: registries' public images through the OCI distribution API,
 * refreshed on a schedule and on demand (`GET /image?refresh=true`), merged with the
 * engine's local images, which are read live.
 */
export interface ImageCatalogDeps {
  readonly localImages: () => Promise<readonly LocalImage[]>;
  /** The image the engine resolves a reference to, or undefined (none, or no engine images here). */
  readonly inspectLocal: (reference: string) => Promise<EngineImageFacts | undefined>;
  readonly clock: Clock;
  readonly log: Logger;
}

export function createImageCatalog(deps: ImageCatalogDeps, o: ImageCatalogOptions): ImageCatalog {
  const log = deps.log.child({ component: "image-catalog" });
  const clients = new Map<string, { client: RegistryClient; repositories: readonly string[] | undefined }>(
    o.registries.map((r) => [r.host, { client: createRegistryClient(r), repositories: r.repositories }]),
  );
  let registryImages: CatalogImage[] = [];
  /** The ids of `registryImages`, for the check on every session created. */
  let registryIds = new Set<string>();
  const checks = new Map<string, { public: boolean; atMs: number }>();
  let running: Promise<void> | undefined;
  let stopRefreshing: (() => void) | undefined;
  const registryHosts = new Set(o.registries.map((r) => r.host));
  // Every create asks, and under load the engine takes a while to answer an inspect (its
  // storage lock is busy with container creates): a decision is reused briefly and one
  // inspect serves concurrent creates. It names the image canonically, so that reuse
  // cannot run anything but what was decided; an image the engine does not hold is asked again.
  const localDecisions = new LRUCache<string, LocalImageDecision>({
    max: 1000,
    ttl: LOCAL_DECISION_TTL_MS,
    fetchMethod: async (reference) => {
      const found = await deps.inspectLocal(reference).catch(() => undefined);
      return found ? decideLocalImage(reference, found, registryHosts) : undefined;
    },
  });

  async function readRegistry(host: string, client: RegistryClient, fixed: readonly string[] | undefined): Promise<CatalogImage[]> {
    const out: CatalogImage[] = [];
    let repositories: readonly string[];
    try {
      repositories = fixed ?? (await client.repositories(o.maxRepositories ?? 500));
    } catch (e) {
      if (!(e instanceof RegistryAuthRequired)) throw e;
      log.info({ registry: host }, "registry catalog is not public; list its repositories in the configuration to show them");
      return out;
    }
    await eachLimited(repositories, 4, async (repository) => {
      let tags: string[];
      try {
        tags = await client.tags(repository, o.maxTagsPerRepository ?? 50);
      } catch (e) {
        if (e instanceof RegistryAuthRequired) return;
        throw e;
      }
      for (const tag of tags) {
        const manifest = await client.manifest(repository, tag);
        if (!manifest) continue;
        const labels = manifest.configDigest ? await client.labels(repository, manifest.configDigest) : {};
        out.push({ id: `${host}/${repository}:${tag}`, types: typesOf(labels), digest: manifest.digest });
      }
    });
    return out;
  }

  async function refreshAll(): Promise<void> {
    const next: CatalogImage[] = [];
    for (const [host, { client, repositories }] of clients) {
      try {
        next.push(...(await readRegistry(host, client, repositories)));
      } catch (e) {
        // Keep what this registry offered last time rather than showing nothing.
        log.warn({ registry: host, err: e instanceof Error ? e.message : String(e) }, "could not read the registry's catalog");
        next.push(...registryImages.filter((i) => i.id.startsWith(`${host}/`)));
      }
    }
    registryImages = next;
    registryIds = new Set(next.map((i) => i.id));
    checks.clear();
  }

  const refresh = (): Promise<void> => {
    running ??= refreshAll().finally(() => { running = undefined; });
    return running;
  };

  return {
    async list() {
      // An unreachable engine is a 503, not a quietly shorter list: its images are most of what runs here.
      const local = await deps.localImages().catch((e: unknown) => {
        if (isAppError(e) && e.code === "EXECUTOR_UNAVAILABLE") throw e;
        log.warn({ err: e instanceof Error ? e.message : String(e) }, "could not list the engine's images");
        return [];
      });
      const images = new Map<string, CatalogImage>(registryImages.map((i) => [i.id, i]));
      // Only engine names: a private image pulled for one user must not appear to others.
      for (const image of local) for (const tag of image.tags) if (isEngineName(tag)) images.set(tag, { id: tag, types: typesOf(image.labels), digest: image.digest });
      return [...images.values()].sort((a, b) => a.id.localeCompare(b.id));
    },

    async isPublic(image) {
      if (!image.host) return false;
      const entry = clients.get(image.host);
      if (!entry) return false;
      const reference = image.digest ?? image.tag ?? "latest";
      const id = `${image.host}/${image.path}:${reference}`;
      if (!image.digest && registryIds.has(id)) return true;
      const cached = checks.get(id);
      if (cached && deps.clock.now().getTime() - cached.atMs < CHECK_TTL_MS) return cached.public;
      let readable = false;
      try {
        readable = (await entry.client.manifest(image.path, reference)) !== undefined;
      } catch (e) {
        log.warn({ image: id, err: e instanceof Error ? e.message : String(e) }, "could not check whether an image is public");
      }
      checks.set(id, { public: readable, atMs: deps.clock.now().getTime() });
      return readable;
    },

    resolveLocal: async (reference) => localDecisions.fetch(reference),

    refresh,

    start() {
      void refresh();
      if (o.refreshSeconds > 0) stopRefreshing = every(deps.clock, o.refreshSeconds * 1000, () => void refresh());
    },

    close() {
      stopRefreshing?.();
    },
  };
}
