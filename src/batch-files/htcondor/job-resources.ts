import { evaluateArithmetic } from "./arithmetic.js";
import type { JobValue, JobView } from "./job-view.js";
import type { VmFlavour } from "./vm-flavours.js";

/**
 * A job's cores, RAM, disk and GPUs. HTCondor's `request_memory` is in MiB and
 * `request_disk` in KiB unless a unit follows (`K`/`KB`, `M`/`MB`, `G`/`GB`, `T`/`TB`,
 * all powers of 1024); skyrun asks in GB (GiB). A VM flavour (`c2-7.5gb-31`) gives the
 * size of the machine: the job gets it whole unless it asks for less, and may not ask
 * for more.
 */
export interface JobResources {
  readonly cores?: number;
  /** GB */
  readonly ram?: number;
  /** GB */
  readonly disk?: number;
  readonly gpus?: number;
}

const UNIT_POWERS: Readonly<Record<string, number>> = { k: 1, m: 2, g: 3, t: 4 };
const GIB = 1024 ** 3;

/** GB rounded up to the thousandth the server accepts, so a request is never cut below what was asked. */
const toGB = (bytes: number): number => Math.ceil((bytes / GIB) * 1000 - 1e-9) / 1000;

function amount(job: JobView, v: JobValue, what: string): number {
  const value = evaluateArithmetic(v.text);
  if (value === undefined || value <= 0) {
    job.refuse(v.line, `${v.name} = ${v.text}`, `skyrun needs a number of ${what} here, not an expression it would have to evaluate against a machine`, `give a plain number such as ${v.name} = 2.`);
  }
  return value;
}

/** A size in bytes: a number or arithmetic, optionally followed by a unit; without one, `defaultPower` (1 = KiB, 2 = MiB). */
function size(job: JobView, v: JobValue, defaultPower: number): number {
  const m = /^(.*?)\s*([KMGT])(?:i?B)?$/i.exec(v.text);
  const power = m ? UNIT_POWERS[m[2]!.toLowerCase()]! : defaultPower;
  const number = amount(job, m ? { ...v, text: m[1]! } : v, "bytes (with K, M, G or T)");
  return number * 1024 ** power;
}

function withinFlavour(job: JobView, v: JobValue | undefined, asked: number | undefined, offered: number | undefined, flavour: string | undefined, unit: string): number | undefined {
  if (asked === undefined) return offered;
  if (offered !== undefined && asked > offered && v) {
    job.refuse(v.line, `${v.name} = ${v.text}`, `this is more than flavour ${flavour!} offers (${offered}${unit})`, `ask for at most ${offered}${unit}, or give a larger VM_FLAVOR.`);
  }
  return asked;
}

/** The job's resources from its request_* commands and the VM flavour; leaves out what neither says (the server's default). */
export function jobResources(job: JobView, flavour?: { readonly name: string; readonly size: VmFlavour }): JobResources {
  const cpusV = job.value("request_cpus");
  const memoryV = job.value("request_memory");
  const diskV = job.value("request_disk");
  const gpusV = job.value("request_gpus");
  const cores = cpusV ? amount(job, cpusV, "cores") : undefined;
  const ram = memoryV ? toGB(size(job, memoryV, 2)) : undefined;
  const disk = diskV ? toGB(size(job, diskV, 1)) : undefined;
  let gpus: number | undefined;
  if (gpusV) {
    gpus = evaluateArithmetic(gpusV.text);
    if (gpus === undefined || !Number.isInteger(gpus) || gpus < 0) job.refuse(gpusV.line, `${gpusV.name} = ${gpusV.text}`, "a number of GPUs is a whole number", "give request_gpus = 1 (or more).");
  }
  const f = flavour?.size;
  const name = flavour?.name;
  const out = {
    cores: withinFlavour(job, cpusV, cores, f?.cores, name, " cores"),
    ram: withinFlavour(job, memoryV, ram, f?.ramGB, name, " GB"),
    disk: withinFlavour(job, diskV, disk, f?.diskGB, name, " GB"),
    gpus: withinFlavour(job, gpusV, gpus, f ? f.gpus ?? 0 : undefined, name, " GPUs"),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined && v !== 0));
}
