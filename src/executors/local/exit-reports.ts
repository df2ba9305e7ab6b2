import type { JobId } from "../../domain/ids.js";
import type { RunEventListener } from "../executor.js";
import type { ContainerInspection } from "./container-inspection.js";

/** Containers whose exits are remembered as reported; kept after release, since a late event can arrive after it. */
const REMEMBERED_EXITS = 10_000;

/**
 * Reports each container's exit once, with the engine's exit code and OOM flag,
 * whichever of its signals comes first (conmon's exit file, the `die` event, a
 * replay). Keyed by container, not job: a retried job's next attempt runs in a new
 * container of the same name, and a late event of the old one must not end it.
 */
export class ExitReports {
  private readonly reported = new Set<string>();

  constructor(private readonly inspection: ContainerInspection, private readonly emit: () => RunEventListener, private readonly onReported: (jobId: JobId) => void) {}

  has(containerId: string): boolean {
    return this.reported.has(containerId);
  }

  async report(containerId: string, jobId: JobId, at: Date, codeFromEvent?: number): Promise<void> {
    if (this.reported.has(containerId)) return;
    const details = await this.inspection.exitOfContainer(containerId).catch(() => undefined);
    if (details?.exitCode === undefined && codeFromEvent === undefined) return;
    if (this.reported.has(containerId)) return;
    this.reported.add(containerId);
    if (this.reported.size > REMEMBERED_EXITS) this.reported.delete(this.reported.values().next().value!);
    this.onReported(jobId);
    this.emit()({
      kind: "exited",
      jobId,
      exitCode: details?.exitCode ?? codeFromEvent ?? -1,
      oomKilled: details?.oomKilled ?? false,
      startedAt: details?.startedAt ?? null,
      at,
    });
  }
}
