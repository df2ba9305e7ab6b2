import type { ApiVersion } from "../../contracts/api-version.js";
import { formatInstant } from "../../contracts/instant.js";
import type { ImageJson, PlatformStatsJson, ResourceContextJson, SessionStatsJson } from "../../contracts/platform.js";
import type { ResourceContext } from "../../domain/resources.js";
import type { CatalogImage, PlatformFigures } from "../../jobs/platform-info.js";
import type { SessionStats } from "../../jobs/session-usage.js";
import { statusOf } from "./session-status.js";

const gb = (n: number): string => `${Math.round(n * 1000) / 1000}G`;

/** `view=stats`: the v1 shape (reference §5) plus v0's `instances` and skyrun's queue counts. */
export function toPlatformStatsJson(f: PlatformFigures): PlatformStatsJson {
  const running = f.counts.running ?? 0;
  const maxCores = Math.max(...f.context.cores.options, 0);
  const maxRam = Math.max(...f.context.memoryGB.options, 0);
  return {
    instances: { session: 0, desktopApp: 0, headless: running, total: running },
    cores: { requestedCPUCores: f.capacity.inUse.cores, cpuCoresAvailable: f.capacity.total.cores, maxCPUCores: { cpuCores: maxCores, withRam: `${maxRam}Gi` } },
    ram: { requestedRAM: gb(f.capacity.inUse.ramGB), ramAvailable: gb(f.capacity.total.ramGB), maxRAM: { ram: `${maxRam}Gi`, withCPUCores: maxCores } },
    jobs: { queued: f.counts.queued ?? 0, starting: f.counts.starting ?? 0, running, terminating: f.counts.terminating ?? 0 },
  };
}

/** `/session/{id}/stats`. */
export function toSessionStatsJson({ job, usage, history }: SessionStats, version: ApiVersion): SessionStatsJson {
  const r = job.resources;
  return {
    id: job.id,
    status: statusOf(job.state, version),
    ...(job.startedAt ? { startTime: formatInstant(job.startedAt) } : {}),
    cpuCoresInUse: usage ? Number(usage.cpuCores.toFixed(3)) : 0,
    ramInUseGB: usage ? Number((usage.ramBytes / 1e9).toFixed(3)) : 0,
    ramInUseBytes: usage?.ramBytes ?? 0,
    requestedCPUCores: r.coresRequest,
    limitCPUCores: r.coresLimit,
    requestedRAMGB: r.ramRequestGB,
    limitRAMGB: r.ramLimitGB,
    requestedGPUs: r.gpus,
    isFixedResources: r.fixed,
    ...(history ? { history: history.map((h) => ({ time: formatInstant(h.at), cpuCores: Number(h.cpuCores.toFixed(3)), ramBytes: h.ramBytes })) } : {}),
  };
}

/** `/context`: the options sessions may ask for. */
export function toResourceContextJson(c: ResourceContext): ResourceContextJson {
  return { cores: { ...c.cores }, memoryGB: { ...c.memoryGB }, gpus: { options: [...c.gpus.options] }, maxInteractiveSessions: c.maxInteractiveSessions };
}

/** One image of `/image`. */
export const toImageJson = (i: CatalogImage): ImageJson => ({ id: i.id, types: [...i.types], digest: i.digest });
