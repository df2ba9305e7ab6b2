import { existsSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { FlavourTable, VmFlavour } from "../batch-files/htcondor/vm-flavours.js";
import { UsageError } from "./output.js";
import { cliEnvironment } from "./cli-environment.js";

/** Where an operator lists the site's VM flavour names, when SKYRUN_FLAVOURS names no other file. */
export const SITE_FLAVOUR_FILE = "/etc/skyrun/flavours.yaml";

const positive = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v > 0;

function flavourOf(file: string, name: string, raw: unknown): VmFlavour {
  const f = (raw ?? {}) as Record<string, unknown>;
  const bad = (what: string) => new UsageError(`${file}: flavour ${name}: ${what}`);
  if (!positive(f.cores)) throw bad("'cores' must be a number above 0");
  if (!positive(f.ram)) throw bad("'ram' must be GB above 0");
  if (f.disk !== undefined && !positive(f.disk)) throw bad("'disk' must be GB above 0");
  if (f.gpus !== undefined && !(Number.isInteger(f.gpus) && (f.gpus as number) >= 0)) throw bad("'gpus' must be a whole number");
  const extra = Object.keys(f).filter((k) => !["cores", "ram", "disk", "gpus"].includes(k));
  if (extra.length > 0) throw bad(`unknown key${extra.length > 1 ? "s" : ""} ${extra.join(", ")} (allowed: cores, ram, disk, gpus)`);
  return { cores: f.cores, ramGB: f.ram, ...(f.disk !== undefined ? { diskGB: f.disk } : {}), ...(f.gpus !== undefined ? { gpus: f.gpus as number } : {}) };
}

/**
 * The site's flavour names (beside the cN-Xgb-D names every site understands), from
 * `--flavours FILE`, else $SKYRUN_FLAVOURS, else /etc/skyrun/flavours.yaml if it exists:
 *
 *     flavours:
 *       p8-12gb: { cores: 8, ram: 12 }
 *       g1-16gb-c4-46gb: { cores: 4, ram: 16, disk: 46, gpus: 1 }
 */
export function loadFlavourTable(flag: string | undefined, env: NodeJS.ProcessEnv = cliEnvironment()): FlavourTable {
  const file = flag ?? env.SKYRUN_FLAVOURS ?? (existsSync(SITE_FLAVOUR_FILE) ? SITE_FLAVOUR_FILE : undefined);
  if (file === undefined) return {};
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`${file}: cannot read the flavour list (${e instanceof Error ? e.message.split("\n")[0]! : String(e)})`);
  }
  const flavours = (doc as { flavours?: unknown } | null)?.flavours;
  if (typeof flavours !== "object" || flavours === null || Array.isArray(flavours)) throw new UsageError(`${file}: expected 'flavours:' with one entry per flavour name`);
  return Object.fromEntries(Object.entries(flavours).map(([name, raw]) => [name.toLowerCase(), flavourOf(file, name, raw)]));
}
