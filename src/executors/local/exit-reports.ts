import type { JobId } from "../../domain/ids.js";
import type { RunEventListener } from "../executor.js";
import type { ContainerInspection } from "./container-inspection.js";

/** Jobs whose exits are remembered as reported; kept after release, since a late event can arrive after it. */
const REMEMBERED_EXITS = 10_000;

/**
 * Reports each run's exit once, with the engine's exit code and OOM flag, whichever of
 * its signals comes first (conmon's exit file, the `die` event, a replay).
 */
export class ExitReports {
  private readonly reported = new Set<JobId>();

  constructor(private readonly inspection: ContainerInspection, private readonly emit: () => RunEventListener, private readonly onReported: (jobId: JobId) => void) {}

  has(jobId: JobId): boolean {
    return this.reported.has(jobId);
  }

  async report(jobId: JobId, at: Date, codeFromEvent?: number): Promise<void> {
    if (this.reported.has(jobId)) return;
    const details = await this.inspection.exitOf(jobId).catch(() => undefined);
    if (details?.exitCode === undefined && codeFromEvent === undefined) return;
    if (this.reported.has(jobId)) return;
    this.reported.add(jobId);
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
