import type { FastifyInstance } from "fastify";

/** One route as registered: method and URL pattern (`/skaha/v0/session/:id`). */
export interface RouteSummary {
  readonly method: string;
  readonly url: string;
}

const routesOf = new WeakMap<FastifyInstance, RouteSummary[]>();

/**
 * Records every route registered on `app` from now on (call it before any route is
 * added), so tests can check the API documentation against what is really served.
 */
export function trackRoutes(app: FastifyInstance): void {
  const routes: RouteSummary[] = [];
  routesOf.set(app, routes);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
}

/** The routes registered on `app` since `trackRoutes`, HEAD routes included; empty when not tracked. */
export const registeredRoutes = (app: FastifyInstance): readonly RouteSummary[] => routesOf.get(app) ?? [];
