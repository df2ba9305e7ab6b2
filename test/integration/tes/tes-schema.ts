import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import { parse as parseYaml } from "yaml";

/**
 * Validators for the answers of /ga4gh/tes/v1, from the published GA4GH documents
 * (test/fixtures/ga4gh, unmodified): the TES v1.1 OpenAPI document and the
 * service-info document it references by URL.
 */
const SERVICE_INFO_URL = "https://raw.githubusercontent.com/ga4gh-discovery/ga4gh-service-info/v1.0.0/service-info.yaml";
const fixture = (name: string): unknown => parseYaml(readFileSync(new URL(`../../fixtures/ga4gh/${name}`, import.meta.url), "utf8"));

// OpenAPI 3.0 schemas are JSON Schema draft-04/07 with a few extra keywords (example, readOnly: True): strict off.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
for (const format of ["int32", "int64", "double", "boolean"]) ajv.addFormat(format, true);
ajv.addFormat("uri", /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
ajv.addFormat("date-time", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
ajv.addSchema(fixture("service-info.yaml") as object, SERVICE_INFO_URL);
ajv.addSchema(fixture("task_execution_service.openapi.yaml") as object, "tes");

/**
 * The MINIMAL view has only `id` and `state` (the view parameter's own description),
 * though `tesTask` requires `executors`: MINIMAL answers are checked against the
 * schema's own definitions of those two fields, and nothing else may appear.
 */
const MINIMAL_TASK = { type: "object", required: ["id", "state"], additionalProperties: false, properties: { id: { $ref: "tes#/components/schemas/tesTask/properties/id" }, state: { $ref: "tes#/components/schemas/tesState" } } };
ajv.addSchema(MINIMAL_TASK, "tesTaskMinimal");
ajv.addSchema({ allOf: [{ $ref: "tes#/components/schemas/tesListTasksResponse/properties/next_page_token" }] }, "nextPageToken");
ajv.addSchema({ type: "object", required: ["tasks"], additionalProperties: false, properties: { tasks: { type: "array", items: { $ref: "tesTaskMinimal" } }, next_page_token: { $ref: "nextPageToken" } } }, "tesListTasksResponseMinimal");

const cache = new Map<string, ValidateFunction>();
function validator(name: string): ValidateFunction {
  let v = cache.get(name);
  if (!v) {
    v = ajv.compile({ $ref: name.endsWith("Minimal") ? name : `tes#/components/schemas/${name}` });
    cache.set(name, v);
  }
  return v;
}

/** Throws, naming every mismatch, unless `body` is a valid instance of the TES component `name`. */
export function expectTesSchema(name: "tesServiceInfo" | "tesCreateTaskResponse" | "tesListTasksResponse" | "tesTask" | "tesCancelTaskResponse" | "tesTaskMinimal" | "tesListTasksResponseMinimal", body: unknown): void {
  const validate = validator(name);
  if (!validate(body)) throw new Error(`not a valid ${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 2000)}`);
}
