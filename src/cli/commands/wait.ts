import type { Command } from "commander";
import { hasStartedStatus, isDoneStatus, type SkyrunClient, type WaitResult, type WaitUntil } from "../../client/index.js";
import { interruptSignal, outputFormat, parseNumber, withClient, withConnectionOptions, withOutputOption, type ConnectionFlags, type OutputFlags } from "../client-command.js";
import { shortReason } from "../client-error-report.js";
import { EXIT } from "../exit-codes.js";
import { renderData, renderTable, UsageError } from "../output.js";
import { createProgressDisplay } from "../progress-display.js";

interface WaitFlags extends ConnectionFlags, OutputFlags {
  until: string;
  timeout?: string;
  progress: boolean;
}

/**
 * The exit status of a wait: 7 when it timed out, 6 when a session ended Failed, 3 when
 * an id is unknown, else 0.
 */
export function waitExitCode(r: WaitResult): number {
  if (r.timedOut) return EXIT.TIMEOUT;
  if (r.failed.length > 0) return EXIT.JOB_FAILED;
  if (r.missing.length > 0) return EXIT.NOT_FOUND;
  return EXIT.OK;
}

/** Waits with a live progress display on stderr, and reports unknown ids there. */
export async function waitSessions(client: SkyrunClient, ids: readonly string[], o: { until: WaitUntil; timeoutSeconds?: number | undefined; progress: boolean; signal: AbortSignal }): Promise<WaitResult> {
  const display = createProgressDisplay({ label: o.until === "done" ? "Waiting" : "Starting", enabled: o.progress });
  try {
    const result = await client.waitFor(ids, {
      until: o.until,
      timeoutMs: o.timeoutSeconds === undefined ? undefined : o.timeoutSeconds * 1000,
      signal: o.signal,
      onProgress: (p) => display.update(p.reached, p.total, p.byStatus),
    });
    display.stop();
    for (const m of result.missing) process.stderr.write(`skyrun: ${m.id}: ${shortReason(m.error)}\n`);
    if (result.timedOut) {
      const open = result.sessions.filter((s) => !(o.until === "done" ? isDoneStatus(s.status) : hasStartedStatus(s.status))).length;
      process.stderr.write(`skyrun: gave up after ${o.timeoutSeconds ?? 0} s: ${open} of ${ids.length} session(s) not ${o.until === "done" ? "ended" : "started"} yet\n`);
    }
    return result;
  } finally {
    display.stop();
  }
}

export function registerWaitCommand(program: Command): void {
  const command = program.command("wait")
    .description("wait until sessions are running or done; exit 6 if one failed, 7 on timeout")
    .argument("<ids...>", "session ids")
    .option("--until <phase>", "running or done", "done")
    .option("--timeout <seconds>", "give up after this long (exit 7)")
    .option("--no-progress", "no progress display on stderr");
  withOutputOption(withConnectionOptions(command)).action(async (ids: string[], f: WaitFlags) => {
    const format = outputFormat(f);
    if (f.until !== "running" && f.until !== "done") throw new UsageError(`--until ${f.until}: allowed: running, done`);
    const timeoutSeconds = parseNumber("--timeout", f.timeout);
    await withClient(f, async (client) => {
      const r = await waitSessions(client, ids, { until: f.until as WaitUntil, timeoutSeconds, progress: f.progress, signal: interruptSignal() });
      if (format !== "table") {
        process.stdout.write(renderData({
          reached: r.reached,
          timedOut: r.timedOut,
          elapsedSeconds: Math.round(r.elapsedMs / 100) / 10,
          sessions: r.sessions,
          missing: r.missing.map((m) => ({ id: m.id, error: shortReason(m.error) })),
        }, format));
      } else {
        process.stdout.write(renderTable(["SESSION ID", "NAME", "STATUS", "EXIT", "MESSAGE"], r.sessions.map((s) => [s.id, s.name ?? "-", s.status, s.exitCode === undefined ? "-" : String(s.exitCode), s.statusMessage ?? ""])));
      }
      process.exitCode = waitExitCode(r);
    });
  });
}
