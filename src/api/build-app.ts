import formbody from "@fastify/formbody";
import multipart from "@fastify/multipart";
import { Gauge } from "prom-client";
import Fastify, { LogController, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from "fastify";
import type { Logger } from "pino";
import packageJson from "../../package.json" with { type: "json" };
import { SKYRUN_VERSION_HEADER } from "../contracts/platform.js";
import type { ApiVersion } from "../contracts/api-version.js";
import type { ApiDeps } from "./api-deps.js";
import { createClientCertificateReader } from "./client-certificates.js";
import { toErrorResponse } from "./error-status.js";
import { ALLOW_HEADER, ALLOWED_METHODS, clientErrorHandler, isValidHost, methodNotAllowed, refuseConnect } from "./http-guards.js";
import { createMetricsGate, type MetricsAccess } from "./metrics-gate.js";
import { MULTIPART_OPTIONS } from "./multipart-params.js";
import { REQUEST_LIMITS } from "./request-limits.js";
import { trackRoutes } from "./route-list.js";
import { registerDocsRoutes } from "./routes/docs-routes.js";
import { registerDashboardIdentityRoute, registerDashboardRoutes, type DashboardOptions } from "./routes/dashboard-routes.js";
import { registerOpsRoutes } from "./routes/ops-routes.js";
import { registerPlatformRoutes } from "./routes/platform-routes.js";
import { registerSessionRoutes } from "./routes/session-routes.js";
import { OpenStreams, registerStreamRoutes } from "./routes/stream-routes.js";
import { registerQueueRoutes } from "./routes/queue-routes.js";
import { registerTesRoutes, TES_PREFIX } from "./routes/tes-routes.js";
import type { TesSettings } from "../jobs/tes/tes-settings.js";

export interface BuildAppOptions {
  readonly log: Logger;
  /** Server options, e.g. `{ https: … }` for HTTPS with client certificates. */
  readonly server?: Partial<FastifyServerOptions> & Record<string, unknown>;
  /** Who may read /metrics besides administrators. @defaultValue administrators only */
  readonly metricsAccess?: MetricsAccess;
  /** The web dashboard at `/` (issue 17). @defaultValue not served */
  readonly dashboard?: DashboardOptions;
  /** The GA4GH TES API at /ga4gh/tes/v1 (issue 16). @defaultValue no http(s) inputs, organisation from the request's host */
  readonly tes?: TesSettings;
}

const VERSIONS: readonly ApiVersion[] = ["v0", "v1"];

/**
 * The HTTP app, not listening: tests call `inject()`, `main.ts` calls `listen()`.
 * Both `/skaha/v0` and `/skaha/v1` are served; errors are text/plain sentences.
 */
export async function buildApp(deps: ApiDeps, o: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: o.log,
    // Per-request lines cost more than the requests on the submit path; errors are logged by the handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: REQUEST_LIMITS.bodyBytes,
    clientErrorHandler,
    routerOptions: { caseSensitive: true, ignoreTrailingSlash: true },
    ...(o.server ?? {}),
  }) as unknown as FastifyInstance;
  trackRoutes(app);
  // No header is ever dropped unseen: the header byte limit (431) is the one limit.
  app.server.maxHeadersCount = 0;
  app.server.on("connect", refuseConnect);
  await app.register(formbody);
  await app.register(multipart, MULTIPART_OPTIONS);
  app.decorateRequest("principal", null);
  // The Host header is echoed into service discovery (capabilities): only a host[:port] is taken.
  app.addHook("onRequest", async (request, reply) => {
    if (!isValidHost(request.headers.host)) {
      return reply.code(400).type("text/plain; charset=utf-8").send("Invalid Host header: expected host[:port], e.g. Host: skyrun.example.org:8443.\n");
    }
    return undefined;
  });
  // Clients tell skyrun from the platform's skaha by this header, on every answer, errors included.
  app.addHook("onSend", async (_request, reply) => {
    reply.header(SKYRUN_VERSION_HEADER, packageJson.version);
    // Answers echo what the client sent (a URL, a parameter): never let a browser read them as markup.
    reply.header("x-content-type-options", "nosniff");
  });

  app.setErrorHandler((err, request, reply) => {
    const r = toErrorResponse(err);
    if (r.status >= 500) request.log.error({ err, url: request.url }, "request failed");
    deps.metrics.httpErrors.inc({ status: String(r.status) });
    // Refused before its body was read (too large, malformed): the rest is not read, nor taken for a next request.
    if (!request.raw.complete) reply.header("connection", "close");
    return reply.code(r.status).type("text/plain; charset=utf-8").send(r.message.endsWith("\n") ? r.message : `${r.message}\n`);
  });
  app.setNotFoundHandler((request, reply) => {
    if (!(ALLOWED_METHODS as readonly string[]).includes(request.method)) {
      deps.metrics.httpErrors.inc({ status: "405" });
      return reply.code(405).header("allow", ALLOW_HEADER).type("text/plain; charset=utf-8").send(methodNotAllowed(request.method));
    }
    deps.metrics.httpErrors.inc({ status: "404" });
    return reply.code(404).type("text/plain; charset=utf-8")
      .send(`No such endpoint: ${request.method} ${request.url.split("?")[0]}. skyrun serves /skaha/v0 and /skaha/v1: session, context, image, repository; the API documentation is at /skaha.\n`);
  });

  const clientCertificatesOf = createClientCertificateReader();
  const authenticate = (request: FastifyRequest) => deps.authenticator.authenticate({ authorization: request.headers.authorization, clientCertificates: clientCertificatesOf(request) });
  registerOpsRoutes(app, deps, createMetricsGate(o.metricsAccess ?? {}, authenticate));
  registerDocsRoutes(app, packageJson.version);
  registerDashboardRoutes(app, o.dashboard ?? { assets: undefined, oidc: null });
  const streams = new OpenStreams();
  // Open streams never end by themselves: shutdown ends them, and clients resume elsewhere with Last-Event-ID.
  app.addHook("preClose", async () => streams.closeAll());
  if (!deps.metrics.registry.getSingleMetric("skyrun_stream_clients")) {
    new Gauge({ name: "skyrun_stream_clients", help: "Open session streams (GET /stream)", registers: [deps.metrics.registry], collect() { this.set(streams.size); } });
  }
  for (const version of VERSIONS) {
    await app.register(async (scope) => {
      scope.addHook("onRequest", async (request) => {
        request.principal = await authenticate(request);
      });
      registerSessionRoutes(scope, deps, version);
      registerStreamRoutes(scope, deps, version, streams);
      registerQueueRoutes(scope, deps, version);
      registerPlatformRoutes(scope, deps);
      registerDashboardIdentityRoute(scope);
    }, { prefix: `/skaha/${version}` });
  }
  await app.register(async (scope) => {
    scope.addHook("onRequest", async (request) => {
      request.principal = await authenticate(request);
    });
    registerTesRoutes(scope, deps, o.tes ?? { allowedInputUrls: [], organizationName: "", organizationUrl: "" }, packageJson.version);
  }, { prefix: TES_PREFIX });
  return app;
}
