import { stringify as toYaml } from "yaml";

export type OutputFormat = "table" | "json" | "yaml";

export function parseOutputFormat(value: string | undefined): OutputFormat {
  const v = (value ?? "table").toLowerCase();
  if (v === "table" || v === "json" || v === "yaml") return v;
  throw new UsageError(`-o ${value}: allowed: table, json, yaml`);
}

/** A mistake on the command line: reported on stderr with exit status 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Left-aligned columns separated by three spaces, kubectl style: easy to read and to grep. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  return all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + 3))).join("").trimEnd()).join("\n") + "\n";
}

/** Data for machines on stdout, as JSON or YAML. */
export function renderData(data: unknown, format: "json" | "yaml"): string {
  return format === "json" ? JSON.stringify(data, null, 2) + "\n" : toYaml(data);
}
