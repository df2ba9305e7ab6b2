/**
 * The values of sbatch options, read as Slurm reads them. Each reader returns
 * undefined for a value it cannot read; the caller refuses the line.
 */

/**
 * `--time`: `minutes`, `minutes:seconds`, `hours:minutes:seconds`, `days-hours`,
 * `days-hours:minutes`, `days-hours:minutes:seconds`; in seconds. 0, `UNLIMITED` and
 * `INFINITE` mean no limit: null.
 */
export function parseSlurmTime(text: string): number | null | undefined {
  const t = text.trim();
  if (/^(unlimited|infinite)$/i.test(t)) return null;
  const days = /^(\d+)-(\d+)(?::(\d+))?(?::(\d+))?$/.exec(t);
  let seconds: number;
  if (days) {
    const [d, h, m, s] = [days[1], days[2], days[3], days[4]].map((v) => Number(v ?? 0)) as [number, number, number, number];
    seconds = ((d * 24 + h) * 60 + m) * 60 + s;
  } else {
    const parts = t.split(":");
    if (parts.length > 3 || parts.some((p) => !/^\d+$/.test(p))) return undefined;
    const n = parts.map(Number);
    seconds = n.length === 1 ? n[0]! * 60 : n.length === 2 ? n[0]! * 60 + n[1]! : (n[0]! * 60 + n[1]!) * 60 + n[2]!;
  }
  return seconds === 0 ? null : seconds;
}

const POWERS: Readonly<Record<string, number>> = { k: -1, m: 0, g: 1, t: 2 };

/** `--mem`, `--mem-per-cpu`, `--tmp`: a size in megabytes by default, or with `K`, `M`, `G`, `T` (powers of 1024); in GB. */
export function parseSlurmSizeGB(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT])?B?\s*$/i.exec(text);
  if (!m) return undefined;
  const gb = Number(m[1]) * 1024 ** (POWERS[(m[2] ?? "M").toLowerCase()]! - 1);
  // Rounded up to the thousandth of a GB the server takes, never below what was asked.
  return Math.ceil(gb * 1000 - 1e-9) / 1000;
}

/** `--array=a-b[:s][,…][%K]`: the task indexes in order, and the running limit K. */
export interface ArraySpec {
  readonly indexes: readonly number[];
  readonly maxRunning?: number;
  /** The step of a single range (SLURM_ARRAY_TASK_STEP), else 1. */
  readonly step: number;
}

/** Parses `--array`; at most `maxTasks` tasks. */
export function parseArraySpec(text: string, maxTasks: number): ArraySpec | undefined {
  const [list, limit, extra] = text.trim().split("%");
  if (list === undefined || list === "" || extra !== undefined || (limit !== undefined && !/^\d+$/.test(limit))) return undefined;
  const indexes: number[] = [];
  let step = 1;
  const ranges = list.split(",");
  for (const range of ranges) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(range.trim());
    if (!m) return undefined;
    const start = Number(m[1]);
    const stop = m[2] === undefined ? start : Number(m[2]);
    const by = m[3] === undefined ? 1 : Number(m[3]);
    if (stop < start || by < 1) return undefined;
    if (ranges.length === 1) step = by;
    for (let i = start; i <= stop; i += by) {
      indexes.push(i);
      if (indexes.length > maxTasks) return undefined;
    }
  }
  const unique = [...new Set(indexes)].sort((a, b) => a - b);
  return { indexes: unique, step, ...(limit !== undefined && Number(limit) > 0 ? { maxRunning: Number(limit) } : {}) };
}

/** `--gres=gpu[:type][:N][,…]` and `--gpus=[type:]N`: the number of GPUs, or undefined when it names something else. */
export function parseGpuCount(text: string, form: "gres" | "gpus"): number | undefined {
  let total = 0;
  for (const entry of text.split(",")) {
    const parts = entry.trim().split(":");
    if (form === "gres" && parts.shift() !== "gpu") return undefined;
    const last = parts[parts.length - 1];
    const count = last !== undefined && /^\d+$/.test(last) ? Number(last) : form === "gres" && parts.length <= 1 ? 1 : undefined;
    if (count === undefined) return undefined;
    total += count;
  }
  return total;
}

/** `--dependency=afterok:ID[:ID…][,afterok:…]`: the jobs all to succeed first; undefined for any other kind. */
export function parseAfterOk(text: string): string[] | undefined {
  if (text.includes("?")) return undefined;
  const jobs: string[] = [];
  for (const clause of text.split(",")) {
    const [kind, ...ids] = clause.trim().split(":");
    if (kind !== "afterok" || ids.length === 0 || ids.some((id) => !/^[A-Za-z0-9_]+$/.test(id))) return undefined;
    jobs.push(...ids);
  }
  return jobs;
}
