import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { DashboardConfigJson, DashboardMeJson } from "../../contracts/dashboard.js";
import { principalOf } from "../api-deps.js";
import type { DashboardAsset, DashboardAssets } from "../dashboard-assets.js";

/** What the dashboard's own routes need from the configuration. */
export interface DashboardOptions {
  /** The built app, or undefined when `npm run build` has not built it. */
  readonly assets: DashboardAssets | undefined;
  /** The OIDC issuer users log in with, and the client id the dashboard asks for (the tokens' audience). */
  readonly oidc: { readonly issuer: string; readonly clientId: string } | null;
}

/** The dashboard's pages: the app's router draws each; they all load the same `index.html`. */
export const DASHBOARD_PAGES = ["/", "/jobs", "/submit", "/cluster", "/usage"] as const;

const NOT_BUILT = "The dashboard is not built: run `npm run build` (it builds web/ into dist/web) and restart skyrun.\n";

/** Nothing from another host, scripts only from our own files, and the page never framed. */
function contentSecurityPolicy(issuer: string | undefined): string {
  const idp = issuer ? ` ${new URL(issuer).origin}` : "";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${idp}`,
    `form-action 'self'${idp}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join("; ");
}

function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: DashboardAsset, cacheControl: string): FastifyReply {
  reply.header("cache-control", cacheControl).header("vary", "accept-encoding").type(asset.contentType);
  const accepts = request.headers["accept-encoding"] ?? "";
  if (asset.gzip && /\bgzip\b/.test(accepts)) return reply.header("content-encoding", "gzip").send(asset.gzip);
  return reply.send(asset.body);
}

/**
 * The web dashboard, served by the API process (issue 17): `index.html` on every page
 * path, never cached, so a new build is picked up on the next load; `/assets/*` under
 * hashed names, cached for a year and immutable. And `GET /skaha/v{0,1}/dashboard/config`,
 * unauthenticated, telling the app how users log in before any credential exists.
 */
export function registerDashboardRoutes(app: FastifyInstance, o: DashboardOptions): void {
  const csp = contentSecurityPolicy(o.oidc?.issuer);
  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!o.assets) return reply.code(404).type("text/plain; charset=utf-8").send(NOT_BUILT);
    reply.header("content-security-policy", csp).header("referrer-policy", "no-referrer").header("x-frame-options", "DENY");
    return sendAsset(request, reply, o.assets.index, "no-cache");
  };
  for (const path of DASHBOARD_PAGES) app.get(path, page);

  app.get("/assets/:file", async (request: FastifyRequest<{ Params: { file: string } }>, reply) => {
    const asset = o.assets?.assets.get(request.params.file);
    if (!asset) return reply.code(404).type("text/plain; charset=utf-8").send(`No such dashboard file: ${request.params.file.slice(0, 200)}\n`);
    return sendAsset(request, reply, asset, "public, max-age=31536000, immutable");
  });

  const config: DashboardConfigJson = { oidc: o.oidc ? { issuer: o.oidc.issuer, clientId: o.oidc.clientId } : null };
  for (const version of ["v0", "v1"]) {
    app.get(`/skaha/${version}/dashboard/config`, async (_request, reply) => reply.header("cache-control", "no-cache").send(config));
  }
}

/**
 * `GET /skaha/v{0,1}/dashboard/me`, inside the authenticated scope: who the credentials
 * the browser sent (a token, a client certificate, a header added by a proxy) belong to.
 * The app calls it first: a 401 is what makes it ask for a token.
 */
export function registerDashboardIdentityRoute(scope: FastifyInstance): void {
  scope.get("/dashboard/me", async (request, reply) => {
    const p = principalOf(request);
    const me: DashboardMeJson = { user: p.user.name, groups: p.user.groups.map((g) => g.name), isAdmin: p.isAdmin, via: p.via };
    return reply.header("cache-control", "no-store").send(me);
  });
}
