import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/** One built file of the dashboard, held in memory with its gzip form. */
export interface DashboardAsset {
  readonly body: Buffer;
  /** The gzip form, or undefined when it would not be smaller. */
  readonly gzip: Buffer | undefined;
  readonly contentType: string;
}

/** The built dashboard: `index.html` and the hashed files under `assets/`. */
export interface DashboardAssets {
  readonly index: DashboardAsset;
  /** By file name (no directory): only names Vite wrote, so no path ever reaches the disk. */
  readonly assets: ReadonlyMap<string, DashboardAsset>;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".map": "application/json",
};

function load(file: string): DashboardAsset {
  const body = readFileSync(file);
  const contentType = CONTENT_TYPES[extname(file)] ?? "application/octet-stream";
  const compressible = /^(text\/|image\/svg|application\/json)/.test(contentType);
  const gzip = compressible ? gzipSync(body, { level: 9 }) : undefined;
  return { body, gzip: gzip && gzip.length < body.length ? gzip : undefined, contentType };
}

/**
 * Where `npm run build` leaves the dashboard (`dist/web`), seen from this file both
 * when run from the sources (src/api) and compiled (dist/src/api).
 */
export function defaultDashboardDir(): string | undefined {
  const here = fileURLToPath(new URL(".", import.meta.url));
  // From src/api (tsx, tests) the build is ../../dist/web; from dist/src/api it is ../../web.
  // web/ itself holds the sources' index.html, never served: a build has assets/.
  const candidates = [join(here, "../../dist/web"), join(here, "../../web")];
  return candidates.find((dir) => existsSync(join(dir, "index.html")) && existsSync(join(dir, "assets")));
}

/**
 * Reads the built dashboard once, at start: a few hundred kilobytes, served from memory
 * (and gzip-compressed once) rather than from the disk on every request.
 * Returns undefined when the directory holds no `index.html` (not built).
 */
export function loadDashboardAssets(dir: string | undefined): DashboardAssets | undefined {
  if (dir === undefined || !existsSync(join(dir, "index.html"))) return undefined;
  const assets = new Map<string, DashboardAsset>();
  const assetDir = join(dir, "assets");
  if (existsSync(assetDir)) {
    for (const name of readdirSync(assetDir)) {
      if (name.endsWith(".map")) continue;
      assets.set(name, load(join(assetDir, name)));
    }
  }
  return { index: load(join(dir, "index.html")), assets };
}
