import { z } from "zod";
import { RESPONSE_SCHEMAS } from "../../contracts/response-schemas.js";
import type { SkahaHeader, SkahaParameter } from "../../contracts/skaha-parameters.js";
import { HTTP_STATUS } from "../error-status.js";
import { API_OPERATIONS, TAGS, type ApiOperation, type BodySpec, type JsonShape, type SuccessSpec } from "./api-operations.js";
import { describeApi } from "./api-description.js";
import { ERROR_MEANINGS } from "./error-meanings.js";

/**
 * The OpenAPI 3.1 document of skyrun's skaha API, built when the server starts from the
 * parameter catalogue (contracts/skaha-parameters.ts), the response schemas
 * (contracts/response-schemas.ts), the operation list (api-operations.ts) and the error
 * catalogue (error-status.ts): nothing in it is written twice, so it cannot drift from
 * what the routes read and answer. Pure: no I/O.
 */

/** A JSON Schema or OpenAPI object, as plain JSON. */
export type JsonObject = Record<string, unknown>;

/** The mark every extension carries, for tools (`x-skyrun-extension`) and for readers (the description). */
const EXTENSION_KEY = "x-skyrun-extension";
const SCHEMA_REF = (name: string) => `#/components/schemas/${name}`;

/**
 * zod's JSON Schema without what does not belong in an OpenAPI component (`$schema`, `$id`;
 * `readOnly` from `.readonly()`, which only marks immutable arrays). zod keeps only the
 * description beside a `$ref`, so a referenced extension field gets its mark back here
 * from the description contracts/ gives every extension.
 */
function clean(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(clean);
  if (node === null || typeof node !== "object") return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) if (k !== "$schema" && k !== "$id" && k !== "readOnly") out[k] = clean(v);
  if ("$ref" in out && typeof out.description === "string" && out.description.startsWith("skyrun extension: ")) out[EXTENSION_KEY] = true;
  return out;
}

const toSchema = (schema: z.ZodType): JsonObject => clean(z.toJSONSchema(schema)) as JsonObject;

function componentSchemas(): JsonObject {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(RESPONSE_SCHEMAS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { uri: SCHEMA_REF });
  return clean(schemas) as JsonObject;
}

const extensionNote = (extension: boolean, description: string) => (extension ? `**skyrun extension** (not on the platform). ${description}` : description);
const plainLinks = (text: string) => text.replace(/\[([^\]]+)\]\([^)]+\)/g, "$1");

/** The schema of one parameter's text value in a query string or form: a string, its allowed words, repeated when repeatable. */
function textSchema(p: SkahaParameter): JsonObject {
  const one = { ...toSchema(p.text), ...(p.allowed ? { enum: [...p.allowed] } : {}) };
  return p.repeatable ? { type: "array", items: one } : one;
}

function queryParameter(p: SkahaParameter, alsoInBody: boolean): JsonObject {
  const required = p.required ? (alsoInBody ? "Required (here or in the body). " : "Required. ") : "";
  return {
    name: p.name,
    in: "query",
    required: p.required && !alsoInBody,
    description: `${required}${extensionNote(p.extension, p.description)}`,
    schema: textSchema(p),
    ...(p.repeatable ? { style: "form", explode: true } : {}),
    ...(p.example !== undefined ? { example: p.example } : {}),
    ...(p.extension ? { [EXTENSION_KEY]: true } : {}),
  };
}

const headerParameter = (h: SkahaHeader): JsonObject => ({
  name: h.name, in: "header", required: false, description: extensionNote(h.extension, h.description), schema: { type: "string" },
  ...(h.extension ? { [EXTENSION_KEY]: true } : {}),
});

/** The request body of an operation whose parameters may also come from a form, multipart or JSON body. */
function requestBody(op: ApiOperation, params: readonly SkahaParameter[]): JsonObject {
  const closed = op.refusesUnknown ? { additionalProperties: false } : {};
  const property = (p: SkahaParameter, schema: JsonObject) => ({ ...schema, description: extensionNote(p.extension, p.description), ...(p.extension ? { [EXTENSION_KEY]: true } : {}) });
  const form = { type: "object", properties: Object.fromEntries(params.map((p) => [p.name, property(p, textSchema(p))])), ...closed };
  const json = {
    type: "object",
    properties: Object.fromEntries(params.filter((p) => p.json).map((p) => [p.name, property(p, { ...toSchema(p.json!), ...(p.allowed ? { examples: [...p.allowed] } : {}) })])),
    ...closed,
  };
  const jsonBody = op.acceptsJsonArray ? { anyOf: [json, { type: "array", minItems: 1, items: json, description: "Several sessions of one set, one object each (each also takes the query string's parameters)." }] } : json;
  return {
    required: false,
    description: "The same parameters as the query string (which may carry them instead, or some of them): a form, a multipart form, or a JSON object (where `cmd` and `args` may be exact argv arrays and `env` an object).",
    content: { "application/x-www-form-urlencoded": { schema: form }, "multipart/form-data": { schema: form }, "application/json": { schema: jsonBody } },
  };
}

function jsonShape(shape: JsonShape): JsonObject {
  if ("ref" in shape) return { $ref: SCHEMA_REF(shape.ref) };
  if ("arrayOf" in shape) return { type: "array", items: { $ref: SCHEMA_REF(shape.arrayOf) } };
  return toSchema(shape.zod);
}

function mediaType(body: BodySpec): JsonObject {
  if ("text" in body) return { schema: { type: "string", description: body.text }, ...(body.example !== undefined ? { example: body.example } : {}) };
  const [only, ...more] = body.json.map(jsonShape);
  return { schema: more.length === 0 ? only : { anyOf: [only, ...more] } };
}

const successResponse = (s: SuccessSpec): JsonObject => ({
  description: s.description,
  ...(s.headers ? { headers: Object.fromEntries(Object.entries(s.headers).map(([name, description]) => [name, { description, schema: { type: "string" } }])) } : {}),
  ...(s.content ? { content: Object.fromEntries(Object.entries(s.content).map(([type, body]) => [type, mediaType(body)])) } : {}),
});

/** Error answers by status: a text/plain sentence; the description lists the codes and what each means. */
function errorResponses(op: ApiOperation): Record<string, JsonObject> {
  const lines = new Map<number, string[]>();
  const add = (status: number, line: string) => lines.set(status, [...(lines.get(status) ?? []), line]);
  for (const code of op.errors) add(HTTP_STATUS[code], `\`${code}\`: ${plainLinks(ERROR_MEANINGS[code])}`);
  for (const [status, text] of Object.entries(op.frameworkErrors ?? {})) add(Number(status), text);
  return Object.fromEntries([...lines].sort(([a], [b]) => a - b).map(([status, text]) => [
    String(status),
    { description: text.join("\n\n"), content: { "text/plain": { schema: { type: "string", description: "One sentence naming what was wrong and what is allowed." } } } },
  ]));
}

const PATH_PARAMETERS: Record<string, JsonObject> = {
  version: {
    name: "version", in: "path", required: true, schema: { type: "string", enum: ["v1", "v0"] },
    description: "The API version: both are served. They differ only in status words: a session that exited 0 is `Succeeded` on v0 and `Completed` on v1.",
  },
  id: { name: "id", in: "path", required: true, schema: { type: "string" }, description: "A session id, as `POST /session` answered it.", example: "k3x9ab1z" },
};

function operationObject(op: ApiOperation): JsonObject {
  const pathParameters = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ $ref: `#/components/parameters/${name!}` }));
  const params = Object.values(op.params ?? {});
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    description: extensionNote(op.extension, op.description),
    parameters: [
      ...pathParameters,
      ...Object.values(op.query ?? {}).map((p) => queryParameter(p, false)),
      ...params.map((p) => queryParameter(p, true)),
      ...(op.headers ?? []).map(headerParameter),
    ],
    ...(params.length > 0 ? { requestBody: requestBody(op, params) } : {}),
    responses: { ...Object.fromEntries(Object.entries(op.success).map(([status, s]) => [status, successResponse(s)])), ...errorResponses(op) },
    ...(op.access === "public" ? { security: [] } : {}),
    ...(op.extension ? { [EXTENSION_KEY]: true } : {}),
  };
}

const SECURITY_SCHEMES = {
  token: { type: "http", scheme: "bearer", description: "An API token: `Authorization: Bearer <token>`, from `skyrun tokens create NAME` (or `skyrun login`)." },
  oidc: {
    type: "http", scheme: "bearer", bearerFormat: "JWT",
    description: "Where the server is set up for OIDC (`oidc.issuer`, `oidc.audience`): an access token from that issuer, `Authorization: Bearer <JWT>`, checked against the issuer's published keys; the user is its `preferred_username`.",
  },
  clientCertificate: {
    type: "mutualTLS",
    description: "A client certificate over HTTPS, as the platform's `curl -E ~/.ssl/cadcproxy.pem`: a user certificate or an RFC 3820 proxy certificate (with the user certificate in the chain) from a CA the server trusts (`--client-ca`), for a user registered with that DN.",
  },
} as const;

/** The OpenAPI 3.1 document. `serverVersion` is skyrun's own version (`info.version`). */
export function buildOpenApiDocument(serverVersion: string): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const op of API_OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op);
  return {
    openapi: "3.1.0",
    info: { title: "skaha session API — skyrun", version: serverVersion, description: describeApi() },
    servers: [{ url: "/", description: "This server" }],
    tags: TAGS.map((t) => ({ ...t })),
    security: Object.keys(SECURITY_SCHEMES).map((name) => ({ [name]: [] })),
    paths,
    components: { schemas: componentSchemas(), parameters: PATH_PARAMETERS, securitySchemes: SECURITY_SCHEMES },
  };
}
