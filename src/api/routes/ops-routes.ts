import type { FastifyInstance } from "fastify";
import type { ApiDeps } from "../api-deps.js";
import type { MetricsGate } from "../metrics-gate.js";

/** Text for XML content and attribute values: a header or parameter can never become markup. */
export const escapeXml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] ?? c);

/** Endpoints outside /skaha/v*: health and discovery for anyone, metrics behind their gate. */
export function registerOpsRoutes(app: FastifyInstance, deps: ApiDeps, metricsGate: MetricsGate): void {
  app.get("/healthz", async (_request, reply) => {
    const engine = deps.jobs.scheduling.isEngineAvailable();
    return reply.code(engine ? 200 : 503).send({ status: engine ? "ok" : "degraded", engine: engine ? "available" : "unavailable" });
  });

  app.get("/metrics", async (request, reply) => {
    await metricsGate(request);
    return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  // VOSI availability, as the platform's clients probe it.
  app.get("/skaha/availability", async (_request, reply) => {
    const up = deps.jobs.scheduling.isEngineAvailable();
    return reply.type("text/xml").send(
      `<?xml version="1.0" encoding="UTF-8"?>\n<vosi:availability xmlns:vosi="http://www.ivoa.net/xml/VOSIAvailability/v1.0">\n  <vosi:available>${up}</vosi:available>\n  <vosi:note>${up ? "skyrun is accepting sessions" : "container engine unavailable"}</vosi:note>\n</vosi:availability>\n`,
    );
  });

  // VOSI capabilities: the standard ids the canfar client looks for to find v0 and v1.
  app.get("/skaha/capabilities", async (request, reply) => {
    // The Host header was checked to be a host[:port]; escaping keeps it text whatever comes.
    const base = escapeXml(`${request.protocol}://${request.headers.host ?? "localhost"}/skaha`);
    const cap = (standardID: string, url: string) =>
      `  <capability standardID="${standardID}">\n    <interface xsi:type="vs:ParamHTTP" role="std">\n      <accessURL use="base">${url}</accessURL>\n      <securityMethod standardID="ivo://ivoa.net/sso#token"/>\n      <securityMethod standardID="ivo://ivoa.net/sso#tls-with-certificate"/>\n    </interface>\n  </capability>\n`;
    return reply.type("text/xml").send(
      `<?xml version="1.0" encoding="UTF-8"?>\n<vosi:capabilities xmlns:vosi="http://www.ivoa.net/xml/VOSICapabilities/v1.0" xmlns:vs="http://www.ivoa.net/xml/VODataService/v1.1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n` +
      cap("vos://cadc.nrc.ca~vospace/CADC/std/Proc#sessions-1.0", `${base}/v0`) +
      cap("http://www.opencadc.org/std/platform#session-1", `${base}/v1/session`) +
      cap("http://www.opencadc.org/std/platform#context-1", `${base}/v1/context`) +
      cap("http://www.opencadc.org/std/platform#image-1", `${base}/v1/image`) +
      cap("http://www.opencadc.org/std/platform#repository-1", `${base}/v1/repository`) +
      `</vosi:capabilities>\n`,
    );
  });
}
