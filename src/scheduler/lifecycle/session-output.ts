import { toError } from "../../domain/errors.js";
import type { Job } from "../../domain/job.js";
import { lifecycleEvents as ev } from "../../domain/lifecycle-events.js";
import { writeOutputFiles } from "../../storage/output-files.js";
import type { LifecycleDeps } from "./lifecycle-deps.js";

/**
 * Writes a finished session's stdout and stderr where it asked (`stdout`, `stderr`),
 * as its user. A path the user may not write leaves the log as the only copy and an
 * event saying why.
 */
export class SessionOutput {
  constructor(private readonly d: Pick<LifecycleDeps, "store" | "executor" | "dirs" | "clock" | "log">) {}

  async write(job: Job): Promise<void> {
    if (job.stdoutPath === null && job.stderrPath === null) return;
    // Paths on /arc, relative to its root: `/arc/home/u/x` → `home/u/x`.
    const onArc = (p: string | null) => (p !== null && p.startsWith("/arc/") ? p.slice("/arc/".length) : null);
    try {
      await writeOutputFiles(this.d.dirs.logPathOf(job.id), this.d.executor.logFormat, this.d.dirs.arcRoot, { stdout: onArc(job.stdoutPath), stderr: onArc(job.stderrPath) }, job.owner);
    } catch (e) {
      const message = `Could not write the output to ${[job.stdoutPath, job.stderrPath].filter(Boolean).join(" and ")}: ${toError(e).message}; the log keeps it`;
      this.d.log.info({ jobId: job.id, err: toError(e).message }, "could not write a session's output files");
      await this.d.store.events.append(job.id, ev.outputNotWritten(this.d.clock.now(), message));
    }
  }
}
