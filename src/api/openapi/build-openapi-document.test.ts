import { readFileSync } from "node:fs";
import { compileErrors, validate } from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";
import { RESPONSE_SCHEMAS } from "../../contracts/response-schemas.js";
import { CREATE_PARAMETERS } from "../../contracts/skaha-parameters.js";
import { parseCreateRequest } from "../../domain/create-request.js";
import { AppError, ERROR_CODES } from "../../domain/errors.js";
import { HTTP_STATUS } from "../error-status.js";
import { API_OPERATIONS } from "./api-operations.js";
import { buildOpenApiDocument, type JsonObject } from "./build-openapi-document.js";
import { ERROR_MEANINGS } from "./error-meanings.js";

// Issue 14 item 8: the OpenAPI document is generated from the catalogue and the schemas
// the routes use; these tests hold it to the OpenAPI specification and to the parser.

const doc = buildOpenApiDocument("0.0.0-test");
type Operation = { parameters: JsonObject[]; requestBody?: { content: Record<string, { schema: JsonObject }> }; responses: Record<string, JsonObject>; description: string; "x-skyrun-extension"?: boolean };
const paths = doc.paths as Record<string, Record<string, Operation>>;
const createOperation = paths["/skaha/{version}/session"]!.post!;

const rules = {
  context: { cores: { default: 1, defaultRequest: 1, defaultLimit: 2, options: [1, 2] }, memoryGB: { default: 1, defaultRequest: 1, defaultLimit: 4, options: [1, 2, 4] }, gpus: { options: [] }, maxInteractiveSessions: 0 },
  maxReplicas: 10,
  maxDeadlineSeconds: 86_400,
};

/** What the create parser says about `name=value` next to a valid name and image: undefined when it accepts it. */
function parserVerdict(name: string, value: string): string | undefined {
  try {
    parseCreateRequest(new Map([["name", ["job"]], ["image", ["localhost/skyrun-demo:latest"]], [name.toLowerCase(), [value]]]), rules);
    return undefined;
  } catch (e) {
    if (e instanceof AppError) return e.message;
    throw e;
  }
}

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document (and the validator does refuse a broken one)", async () => {
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
    expect(result.specification).toBe("OpenAPI");
    const broken = structuredClone(doc) as { paths: Record<string, Record<string, { operationId: string }>> };
    broken.paths["/skaha/{version}/context"]!.get!.operationId = "post_session";
    expect((await validate(broken as never)).valid).toBe(false);
  });

  it("keeps the platform's operation id post_session, which the seed pages' link names", () => {
    expect(createOperation).toMatchObject({ operationId: "post_session", tags: ["Session Management"] });
  });

  it("documents exactly the parameters the create parser knows, in the query string and in every body", () => {
    const known = Object.values(CREATE_PARAMETERS).map((p) => p.name);
    const query = createOperation.parameters.filter((p) => p.in === "query").map((p) => p.name);
    // Besides: `action=renew` and the selectors a bulk renew reads (its `label`, `name` and `image` are the create parameters').
    const renew = ["action", "set", "user", "changedSince", "from", "to"];
    expect(query.sort()).toEqual([...known, "format", ...renew].sort());
    const body = createOperation.requestBody!.content;
    for (const type of ["application/x-www-form-urlencoded", "multipart/form-data"]) {
      expect(Object.keys(body[type]!.schema.properties as JsonObject).sort()).toEqual([...known, "format"].sort());
    }
    const json = (body["application/json"]!.schema.anyOf as JsonObject[])[0]!;
    expect(Object.keys(json.properties as JsonObject).sort()).toEqual([...known, "format"].sort());
    // Every documented parameter is one the parser takes; a name it does not document, it refuses.
    for (const p of Object.values(CREATE_PARAMETERS)) expect(parserVerdict(p.name, p.example ?? "1") ?? "", p.name).not.toMatch(/^Unknown parameter/);
    expect(parserVerdict("core", "1")).toMatch(/^Unknown parameter 'core'\. Allowed: name, image, /);
  });

  it("marks every skyrun extension, and no platform parameter or field, in its description and with x-skyrun-extension", () => {
    const platform = ["name", "image", "cores", "ram", "gpus", "type", "cmd", "args", "env"];
    for (const p of createOperation.parameters.filter((q) => q.in === "query")) {
      const extension = !platform.includes(p.name as string);
      expect(p["x-skyrun-extension"] === true, String(p.name)).toBe(extension);
      expect((p.description as string).includes("**skyrun extension**"), String(p.name)).toBe(extension);
    }
    const session = (doc.components as { schemas: Record<string, { properties: Record<string, JsonObject> }> }).schemas.Session!.properties;
    const platformFields = ["id", "userid", "runAsUID", "runAsGID", "supplementalGroups", "appid", "image", "type", "status", "name", "startTime", "expiryTime", "connectURL",
      "requestedRAM", "requestedCPUCores", "requestedGPUCores", "ramInUse", "gpuRAMInUse", "cpuCoresInUse", "gpuUtilization", "isFixedResources"];
    const marked = Object.keys(session).filter((k) => session[k]!["x-skyrun-extension"] === true);
    expect(marked).toEqual(Object.keys(session).filter((k) => !platformFields.includes(k)));
    expect(marked).toEqual(expect.arrayContaining(["phase", "exitCode", "labels", "attempts", "waiting", "updatedTime"]));
    for (const k of marked) expect(session[k]!.description as string).toMatch(/^skyrun extension: /);
    expect(paths["/skaha/{version}/session/{id}/logs"]!.get!["x-skyrun-extension"]).toBe(true);
    expect(paths["/skaha/{version}/session"]!.get!["x-skyrun-extension"]).toBeUndefined();
  });

  it("gives each operation's errors the status error-status.ts maps their code to, as text/plain", () => {
    for (const op of API_OPERATIONS) {
      const responses = paths[op.path]![op.method]!.responses;
      for (const code of op.errors) {
        const response = responses[String(HTTP_STATUS[code])];
        expect(response?.description as string, `${op.operationId} ${code}`).toContain(`\`${code}\``);
        expect(Object.keys(response!.content as JsonObject)).toEqual(["text/plain"]);
      }
    }
  });

  it("says what each error code means in the words of docs/errors.md", () => {
    const table = readFileSync(new URL("../../../docs/errors.md", import.meta.url), "utf8");
    for (const code of ERROR_CODES) expect(table).toContain(`| \`${code}\` | ${HTTP_STATUS[code]} | ${ERROR_MEANINGS[code]} |`);
  });

  it("holds every response schema of contracts/ under components, by name", () => {
    expect(Object.keys((doc.components as { schemas: JsonObject }).schemas).sort()).toEqual(Object.keys(RESPONSE_SCHEMAS).sort());
  });

  it("serves both API versions from one set of paths", () => {
    const version = (doc.components as { parameters: Record<string, { schema: { enum: string[] } }> }).parameters.version!;
    expect(version.schema.enum.sort()).toEqual(["v0", "v1"]);
    expect(Object.keys(paths).filter((p) => p.startsWith("/skaha/v"))).toEqual([]);
  });
});
