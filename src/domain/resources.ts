import { invalid } from "./errors.js";
import type { Resources } from "./job.js";

/** One resource dimension of `GET /context`, as the platform publishes it. */
export interface ResourceOptions {
  readonly default: number;
  readonly defaultRequest: number;
  readonly defaultLimit: number;
  readonly options: readonly number[];
}

/** The body of `GET /context`: what a session may ask for on this server. */
export interface ResourceContext {
  readonly cores: ResourceOptions;
  readonly memoryGB: ResourceOptions;
  readonly gpus: { readonly options: readonly number[] };
  readonly maxInteractiveSessions: number;
}

/** What the server offers to jobs in total. */
export interface Capacity {
  readonly cores: number;
  readonly ramGB: number;
  readonly gpus: number;
}

const cap = (value: number, max: number): number => Math.min(value, max);

/**
 * The context users see: the configured options, without the values this server could
 * never run (a request larger than the whole capacity would wait forever).
 */
export function effectiveContext(configured: ResourceContext, capacity: Capacity): ResourceContext {
  const fit = (o: ResourceOptions, max: number): ResourceOptions => {
    const options = o.options.filter((v) => v <= max);
    const largest = options.length > 0 ? Math.max(...options) : max;
    return {
      default: cap(o.default, largest),
      defaultRequest: cap(o.defaultRequest, largest),
      defaultLimit: cap(o.defaultLimit, largest),
      options,
    };
  };
  return {
    cores: fit(configured.cores, capacity.cores),
    memoryGB: fit(configured.memoryGB, capacity.ramGB),
    gpus: { options: configured.gpus.options.filter((v) => v <= capacity.gpus) },
    maxInteractiveSessions: configured.maxInteractiveSessions,
  };
}

const DECIMAL = /^\s*(\d+(\.\d{1,3})?|\.\d{1,3})\s*$/;

/**
 * Parses `cores` or `ram`: a value from the context's options, or (our extension,
 * platform issue #174) a fraction up to the largest option, such as `cores=0.5`.
 */
function parseAmount(parameter: "cores" | "ram", raw: string, o: ResourceOptions): number {
  const allowed = `allowed: ${o.options.join(", ")}${o.options.length > 0 ? ` (or a fraction up to ${Math.max(...o.options)})` : ""}`;
  if (!DECIMAL.test(raw)) throw invalid(`Invalid value for '${parameter}': ${raw}. Expected a number; ${allowed}.`, { parameter });
  const value = Number(raw);
  const largest = o.options.length > 0 ? Math.max(...o.options) : 0;
  const ok = value > 0 && (Number.isInteger(value) ? o.options.includes(value) : value <= largest);
  if (!ok) throw invalid(`Invalid value for '${parameter}': ${raw}. On this server ${allowed}.`, { parameter });
  return value;
}

function parseGpus(raw: string, options: readonly number[]): number {
  const allowed = options.length > 0 ? `allowed: 0 (none), ${options.join(", ")}` : "this server has no GPUs; omit the parameter or send 0";
  if (!/^\s*\d+\s*$/.test(raw)) throw invalid(`Invalid value for 'gpus': ${raw}. Expected a whole number; ${allowed}.`, { parameter: "gpus" });
  const value = Number(raw);
  if (value !== 0 && !options.includes(value)) throw invalid(`Invalid value for 'gpus': ${raw}. ${allowed}.`, { parameter: "gpus" });
  return value;
}

/**
 * Requests and limits from the user's `cores`, `ram` and `gpus`. As on the platform:
 * a given value is both request and limit ("fixed"); a missing one takes the
 * context's defaultRequest and defaultLimit ("flexible").
 */
export function resolveResources(
  raw: { cores?: string | undefined; ram?: string | undefined; gpus?: string | undefined },
  context: ResourceContext,
): Resources {
  const cores = raw.cores === undefined ? undefined : parseAmount("cores", raw.cores, context.cores);
  const ram = raw.ram === undefined ? undefined : parseAmount("ram", raw.ram, context.memoryGB);
  const gpus = raw.gpus === undefined ? 0 : parseGpus(raw.gpus, context.gpus.options);
  return {
    coresRequest: cores ?? context.cores.defaultRequest,
    coresLimit: cores ?? Math.max(context.cores.defaultLimit, context.cores.defaultRequest),
    ramRequestGB: ram ?? context.memoryGB.defaultRequest,
    ramLimitGB: ram ?? Math.max(context.memoryGB.defaultLimit, context.memoryGB.defaultRequest),
    gpus,
    fixed: cores !== undefined && ram !== undefined,
  };
}

/** Bytes in `gb` GiB: the platform's RAM unit is Gi. */
export const gibToBytes = (gb: number): number => Math.round(gb * 1024 ** 3);

/** One node of an engine that has several (Slurm, as `sinfo` lists it), memory in GiB. */
export interface EngineNode {
  readonly name: string;
  /** The engine's own state word (Slurm's long state: `idle`, `mixed`, `allocated`, `down*`, …). */
  readonly state: string;
  readonly cpus: number;
  readonly cpusAllocated: number;
  readonly memoryGB: number;
  readonly memoryAllocatedGB: number;
}
