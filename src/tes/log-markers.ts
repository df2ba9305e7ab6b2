import type { TesOutputFileLog } from "../contracts/tes-task.js";
import { MARKER } from "./runner-script.js";

/** What one executor's runner reported in its job's log, and the log without those lines. */
export interface RunnerReport {
  /** The command started (staging went through). */
  readonly started: boolean;
  /** The command's exit code, when it ran to the end. */
  readonly exitCode: number | null;
  readonly outputs: readonly TesOutputFileLog[];
  /** Why skyrun's own steps (staging, copying outputs) failed. */
  readonly systemErrors: readonly string[];
  /** The log's text with the runner's lines taken out: the command's own output. */
  readonly text: string;
}

/** Splits a runner's log into its reports and the command's output. Pure. */
export function parseRunnerLog(log: string): RunnerReport {
  let started = false;
  let exitCode: number | null = null;
  const outputs: TesOutputFileLog[] = [];
  const systemErrors: string[] = [];
  const kept: string[] = [];
  const prefix = `${MARKER} `;
  for (const line of log.split("\n")) {
    if (!line.startsWith(prefix)) {
      kept.push(line);
      continue;
    }
    const rest = line.slice(prefix.length);
    if (rest === "start") started = true;
    else if (rest.startsWith("exit ")) exitCode = Number.parseInt(rest.slice(5), 10);
    else if (rest.startsWith("system ")) systemErrors.push(rest.slice(7));
    else if (rest.startsWith("output\t")) {
      const [, size, path, url] = rest.split("\t");
      if (size !== undefined && path !== undefined && url !== undefined && /^\d+$/.test(size)) outputs.push({ url, path, size_bytes: size });
    }
  }
  return { started, exitCode, outputs, systemErrors, text: kept.join("\n") };
}
