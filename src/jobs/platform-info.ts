import { invalid } from "../domain/errors.js";
import { SESSION_TYPES } from "../domain/create-request.js";
import type { JobState } from "../domain/job.js";
import type { ResourceContext } from "../domain/resources.js";
import type { CatalogImage } from "../images/image-catalog.js";

export type { CatalogImage };
import type { JobServiceDeps } from "./job-service-deps.js";
import type { CapacitySnapshot } from "./scheduling-port.js";

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

/** What `view=stats` reports: jobs by state, what is allocated of what is offered, the largest request allowed. */
export interface PlatformFigures {
  readonly counts: Partial<Record<JobState, number>>;
  readonly capacity: CapacitySnapshot;
  readonly context: ResourceContext;
}

/** `GET /session?view=stats`: the figures; the engine's own capacity when it has one (Slurm's sinfo), else skyrun's ledger. */
export async function platformStats(deps: Pick<JobServiceDeps, "store" | "scheduling" | "context">): Promise<PlatformFigures> {
  return { counts: await deps.store.jobs.countByState(), capacity: await deps.scheduling.capacity(), context: deps.context };
}
