import { z } from "zod";
import type { SkahaParameter } from "../contracts/skaha-parameters.js";
import { invalid } from "../domain/errors.js";

/**
 * Raw parameter values checked against the catalogue's schemas (contracts/
 * skaha-parameters.ts) before the domain's finer rules: a value of the wrong type is a
 * 400 naming the parameter and what it takes.
 */

type JsonSchemaNode = { type?: string | string[]; anyOf?: JsonSchemaNode[]; items?: JsonSchemaNode; additionalProperties?: JsonSchemaNode | boolean };

const TYPE_WORDS: Record<string, [one: string, many: string]> = {
  string: ["a string", "strings"],
  number: ["a number", "numbers"],
  integer: ["a whole number", "whole numbers"],
  boolean: ["true or false", "booleans"],
  array: ["an array", "arrays"],
  object: ["an object", "objects"],
};

const words = (types: readonly string[], n: 0 | 1) => types.map((t) => TYPE_WORDS[t]?.[n] ?? t);
const either = (parts: readonly string[]) => (parts.length <= 1 ? parts.join("") : `${parts.slice(0, -1).join(", ")} or ${parts.at(-1)!}`);

/** What a JSON schema takes, in words: "a string or an array of strings". */
function describe(node: JsonSchemaNode, plural = false): string {
  if (node.anyOf) return either(node.anyOf.map((n) => describe(n, plural)));
  const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  if (types.length === 1 && types[0] === "array" && node.items) return `${plural ? "arrays" : "an array"} of ${describe(node.items, true)}`;
  if (types.length === 1 && types[0] === "object" && typeof node.additionalProperties === "object") return `${plural ? "objects" : "an object"} of ${describe(node.additionalProperties, true)}`;
  return either(words(types, plural ? 1 : 0));
}

const described = new WeakMap<z.ZodType, string>();

/** What a parameter takes in a JSON body, in words (computed once per schema). */
export function expectedJson(schema: z.ZodType): string {
  let text = described.get(schema);
  if (text === undefined) {
    text = describe(z.toJSONSchema(schema) as JsonSchemaNode);
    described.set(schema, text);
  }
  return text;
}

/** Throws a 400 naming the parameter when a JSON body's value has the wrong type. */
export function checkJsonValue(p: SkahaParameter, value: unknown): void {
  if (!p.json || p.json.safeParse(value).success) return;
  throw invalid(`Invalid value for '${p.name}': expected ${expectedJson(p.json)}.`, { parameter: p.name });
}

/** Throws a 400 naming the parameter when a query or form value is not what its text schema takes. */
export function checkTextValue(p: SkahaParameter, value: string): void {
  if (p.text.safeParse(value).success) return;
  throw invalid(`Invalid value for '${p.name}': ${JSON.stringify(value)}.`, { parameter: p.name });
}

/** A catalogue group by lower-case name (and JSON names), for case-insensitive lookups. */
export function byWireName(parameters: Readonly<Record<string, SkahaParameter>>): ReadonlyMap<string, SkahaParameter> {
  return new Map(Object.values(parameters).flatMap((p) => [p.name, ...(p.jsonNames ?? [])].map((n): [string, SkahaParameter] => [n.toLowerCase(), p])));
}
