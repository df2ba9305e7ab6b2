import type { FastifyInstance } from "fastify";
import { stringify } from "yaml";
import { PAGE_ASSET_PREFIX, PAGE_CSP, PAGE_HTML, loadPageAssets } from "../openapi/api-page.js";
import { buildOpenApiDocument } from "../openapi/build-openapi-document.js";

/**
 * The API documentation, for anyone (like /skaha/capabilities): the OpenAPI document
 * as JSON and YAML, built once at start, and the interactive page with its files.
 */
export function registerDocsRoutes(app: FastifyInstance, serverVersion: string): void {
  const document = buildOpenApiDocument(serverVersion);
  const json = `${JSON.stringify(document, null, 2)}\n`;
  const yaml = stringify(document, { lineWidth: 0 });
  app.get("/skaha", async (_request, reply) =>
    reply.type("text/html; charset=utf-8").header("content-security-policy", PAGE_CSP).header("cache-control", "no-cache").send(PAGE_HTML));
  app.get("/skaha/openapi.json", async (_request, reply) => reply.type("application/json; charset=utf-8").header("cache-control", "no-cache").send(json));
  app.get("/skaha/openapi.yaml", async (_request, reply) => reply.type("application/yaml; charset=utf-8").header("cache-control", "no-cache").send(yaml));
  for (const [file, asset] of loadPageAssets()) {
    app.get(`${PAGE_ASSET_PREFIX}${file}`, async (_request, reply) => reply.type(asset.type).header("cache-control", "public, max-age=3600").send(asset.body));
  }
}
