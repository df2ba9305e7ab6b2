import { invalid } from "../domain/errors.js";
import { SESSION_TYPES } from "../domain/create-request.js";
import type { ResourceContext } from "../domain/resources.js";
import type { CatalogImage } from "../images/image-catalog.js";
import type { JobServiceDeps } from "./job-service-deps.js";


export function resourceContext(deps: Pick<JobServiceDeps, "context">): ResourceContext {
  return deps.context;
}

/**
 * `GET /image[?type=…][&refresh=true]`: the configured registries' public images and
 * the engine's own, with their types from the label `ca.canfar.skyrun.types`; an
 * unlabelled image serves `headless`, as any image can. `refresh` re-reads the
 * registries first instead of using the last scheduled refresh.
 */
export async function listImages(deps: Pick<JobServiceDeps, "images">, type: string | undefined, o: { refresh?: boolean } = {}): Promise<CatalogImage[]> {
  const wanted = type?.trim().toLowerCase();
  if (wanted !== undefined && !(SESSION_TYPES as readonly string[]).includes(wanted)) {
    throw invalid(`unknown type: ${type}. Allowed: ${SESSION_TYPES.join(", ")}.`, { parameter: "type" });
  }
  if (o.refresh) await deps.images.refresh();
  const images = await deps.images.list();
  return wanted === undefined ? images : images.filter((i) => i.types.includes(wanted));
}

const gb = (n: number): string => `${Math.round(n * 1000) / 1000}G`;

/** What is allocated of what is offered: the engine's own figures when it has them (Slurm's sinfo), else skyrun's ledger. */
async function allocation(deps: Pick<JobServiceDeps, "scheduling">): Promise<{ cores: number; ramGB: number; coresInUse: number; ramInUseGB: number }> {
  const c = await deps.scheduling.capacity();
  return { cores: c.total.cores, ramGB: c.total.ramGB, coresInUse: c.inUse.cores, ramInUseGB: c.inUse.ramGB };
}

/** `GET /session?view=stats`: the v1 shape (reference §5) plus v0's `instances` and queue counts. */
export async function platformStats(deps: Pick<JobServiceDeps, "store" | "scheduling" | "context">): Promise<Record<string, unknown>> {
  const counts = await deps.store.jobs.countByState();
  const running = counts.running ?? 0;
  const ctx = resourceContext(deps);
  const a = await allocation(deps);
  const maxCores = Math.max(...ctx.cores.options, 0);
  const maxRam = Math.max(...ctx.memoryGB.options, 0);
  return {
    instances: { session: 0, desktopApp: 0, headless: running, total: running },
    cores: { requestedCPUCores: a.coresInUse, cpuCoresAvailable: a.cores, maxCPUCores: { cpuCores: maxCores, withRam: `${maxRam}Gi` } },
    ram: { requestedRAM: gb(a.ramInUseGB), ramAvailable: gb(a.ramGB), maxRAM: { ram: `${maxRam}Gi`, withCPUCores: maxCores } },
    jobs: { queued: counts.queued ?? 0, starting: counts.starting ?? 0, running, terminating: counts.terminating ?? 0 },
  };
}
