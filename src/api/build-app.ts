import formbody from "@fastify/formbody";
import multipart from "@fastify/multipart";
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { Logger } from "pino";
import packageJson from "../../package.json" with { type: "json" };
import { SKYRUN_VERSION_HEADER } from "../contracts/platform.js";
import type { ApiVersion } from "../domain/session-view.js";
import type { ApiDeps } from "./api-deps.js";
import { createClientCertificateReader } from "./client-certificates.js";
import { toErrorResponse } from "./error-status.js";
import { registerOpsRoutes } from "./routes/ops-routes.js";
import { registerPlatformRoutes } from "./routes/platform-routes.js";
import { registerSessionRoutes } from "./routes/session-routes.js";

export interface BuildAppOptions {
  readonly log: Logger;
  /** Server options, e.g. `{ https: … }` for HTTPS with client certificates. */
  readonly server?: Partial<FastifyServerOptions> & Record<string, unknown>;
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
    bodyLimit: 1024 * 1024,
    routerOptions: { caseSensitive: true, ignoreTrailingSlash: true },
    ...(o.server ?? {}),
  }) as unknown as FastifyInstance;
  await app.register(formbody);
  await app.register(multipart, { limits: { fieldSize: 256 * 1024, fields: 1000, files: 0 } });
  app.decorateRequest("principal", null);
  // Clients tell skyrun from the platform's skaha by this header, on every answer, errors included.
  app.addHook("onSend", async (_request, reply) => {
    reply.header(SKYRUN_VERSION_HEADER, packageJson.version);
  });

  app.setErrorHandler((err, request, reply) => {
    const r = toErrorResponse(err);
    if (r.status >= 500) request.log.error({ err, url: request.url }, "request failed");
    deps.metrics.httpErrors.inc({ status: String(r.status) });
    return reply.code(r.status).type("text/plain; charset=utf-8").send(r.message.endsWith("\n") ? r.message : `${r.message}\n`);
  });
  app.setNotFoundHandler((request, reply) => {
    deps.metrics.httpErrors.inc({ status: "404" });
    return reply.code(404).type("text/plain; charset=utf-8")
      .send(`No such endpoint: ${request.method} ${request.url.split("?")[0]}. skyrun serves /skaha/v0 and /skaha/v1: session, context, image, repository.\n`);
  });

  registerOpsRoutes(app, deps);
  const clientCertificatesOf = createClientCertificateReader();
  for (const version of VERSIONS) {
    await app.register(async (scope) => {
      scope.addHook("onRequest", async (request) => {
        request.principal = await deps.authenticator.authenticate({ authorization: request.headers.authorization, clientCertificates: clientCertificatesOf(request) });
      });
      registerSessionRoutes(scope, deps, version);
      registerPlatformRoutes(scope, deps);
    }, { prefix: `/skaha/${version}` });
  }
  return app;
}
