import cliProgress from "cli-progress";

/** Phases in display order; others follow alphabetically. */
const ORDER = ["Pending", "Running", "Terminating", "Succeeded", "Completed", "Failed", "Error", "NotFound", "Unknown"];

/** Counts by phase as `Pending 3 · Running 5 · Completed 2`, in lifecycle order. */
export function formatCounts(counts: Readonly<Record<string, number>>): string {
  const keys = Object.keys(counts).filter((k) => (counts[k] ?? 0) > 0);
  keys.sort((a, b) => {
    const ia = ORDER.indexOf(a);
    const ib = ORDER.indexOf(b);
    return (ia < 0 ? ORDER.length : ia) - (ib < 0 ? ORDER.length : ib) || a.localeCompare(b);
  });
  return keys.map((k) => `${k} ${counts[k]}`).join(" · ");
}

/** A live progress report: a bar on a terminal, plain lines otherwise. Writes to stderr only. */
export interface ProgressDisplay {
  update(done: number, total: number, counts: Readonly<Record<string, number>>): void;
  /** Leaves the last state on screen (or prints it once more when piped, if it changed). */
  stop(): void;
}

export interface ProgressOptions {
  readonly label: string;
  readonly stream?: NodeJS.WriteStream;
  /** Off: no output at all. @defaultValue true */
  readonly enabled?: boolean;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)}s`;

/**
 * On a terminal a bar with the count done and the counts by phase, redrawn in place;
 * when stderr is a pipe or a file, one line each time the counts change, so logs stay
 * readable.
 */
export function createProgressDisplay(o: ProgressOptions): ProgressDisplay {
  const stream = o.stream ?? process.stderr;
  if (o.enabled === false) return { update: () => undefined, stop: () => undefined };
  const started = Date.now();
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({
      format: `${o.label} [{bar}] {value}/{total} | {phases} | {duration_formatted}`,
      stream,
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      fps: 8,
    }, cliProgress.Presets.shades_classic);
    let running = false;
    return {
      update(done, total, counts) {
        if (!running) {
          bar.start(total, done, { phases: formatCounts(counts) });
          running = true;
        } else {
          bar.setTotal(total);
          bar.update(done, { phases: formatCounts(counts) });
        }
      },
      stop() {
        if (running) bar.stop();
        running = false;
      },
    };
  }
  let lastShown = "";
  return {
    update(done, total, counts) {
      const line = `${o.label}: ${done}/${total} | ${formatCounts(counts)}`;
      if (line === lastShown) return;
      lastShown = line;
      stream.write(`${line} | ${seconds(Date.now() - started)}\n`);
    },
    stop() {
      // Every change was written as it came.
    },
  };
}
