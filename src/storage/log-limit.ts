import { open, stat } from "node:fs/promises";

/** How the engine writes a job's log (see log-reader.ts). */
type LogFormat = "k8s-file" | "raw";

/** Bytes scanned back from the cap for the last line break, so the cut falls between lines. */
const LINE_SEARCH_BYTES = 64 * 1024;

/** The log's size in bytes; 0 when there is none yet. */
export async function logSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** A marker line in the log's own format, so readers show it as the program's last words. */
function markerLine(format: LogFormat, message: string, at: Date): string {
  return format === "k8s-file" ? `${at.toISOString()} stderr F ${message}\n` : `${message}\n`;
}

/**
 * Cuts a log that grew past `capBytes` at the last line break before the cap and
 * appends a marker saying so. Idempotent: a log within the cap is left as it is.
 * @returns true when the log was cut.
 */
export async function cutLogAtCap(path: string, format: LogFormat, capBytes: number, message: string, at: Date): Promise<boolean> {
  const size = await logSize(path);
  if (size <= capBytes) return false;
  const from = Math.max(0, capBytes - LINE_SEARCH_BYTES);
  const tail = Buffer.alloc(capBytes - from);
  const file = await open(path, "r+");
  try {
    await file.read(tail, 0, tail.length, from);
    const lastNewline = tail.lastIndexOf(0x0a);
    const cut = lastNewline >= 0 ? from + lastNewline + 1 : capBytes;
    // Cut inside a line (raw output without line breaks): the marker still starts a line of its own.
    const marker = Buffer.from((lastNewline >= 0 ? "" : "\n") + markerLine(format, message, at));
    // The marker first, then the end moves to it: a reader never sees the cut log without it.
    await file.write(marker, 0, marker.length, cut);
    await file.truncate(cut + marker.length);
  } finally {
    await file.close();
  }
  return true;
}
