import { createReadStream, existsSync } from "node:fs";
import { open, stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { setTimeout as sleep } from "node:timers/promises";

/** How an engine writes a job's output: Podman's k8s-file lines, or raw bytes (Slurm). */
export type LogFormat = "k8s-file" | "raw";

/**
 * Decodes Podman's k8s-file lines (`<time> <stdout|stderr> <F|P> <text>`) back into the
 * text the program wrote, in order. F ends a line; P is a partial line without newline.
 * Feed it chunks; it keeps an unfinished line until the next chunk.
 */
export class K8sFileDecoder {
  private pending = "";
  private readonly decoder = new StringDecoder("utf8");

  push(chunk: Buffer): string {
    const text = this.pending + this.decoder.write(chunk);
    const lastNewline = text.lastIndexOf("\n");
    if (lastNewline < 0) {
      this.pending = text;
      return "";
    }
    this.pending = text.slice(lastNewline + 1);
    let out = "";
    for (const line of text.slice(0, lastNewline).split("\n")) out += decodeLine(line);
    return out;
  }
}

function decodeLine(line: string): string {
  const a = line.indexOf(" ");
  const b = a < 0 ? -1 : line.indexOf(" ", a + 1);
  const c = b < 0 ? -1 : line.indexOf(" ", b + 1);
  if (c < 0) return line.length > 0 && b >= 0 ? (line.slice(b + 1) === "F" ? "\n" : "") : "";
  const tag = line.slice(b + 1, c);
  const text = line.slice(c + 1);
  return tag === "P" ? text : text + "\n";
}

const decoderFor = (format: LogFormat): { push(chunk: Buffer): string } =>
  format === "k8s-file" ? new K8sFileDecoder() : { push: (() => { const d = new StringDecoder("utf8"); return (b: Buffer) => d.write(b); })() };

/** The whole log as text, in order. An absent log (a job that has not started) is empty. */
export function readLog(path: string, format: LogFormat): Readable {
  if (!existsSync(path)) return Readable.from([]);
  const decoder = decoderFor(format);
  return Readable.from((async function* () {
    for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
      const text = decoder.push(chunk as Buffer);
      if (text) yield text;
    }
  })());
}

/** The last `lines` lines of the log. */
export async function readLogTail(path: string, format: LogFormat, lines: number): Promise<string> {
  if (lines <= 0 || !existsSync(path)) return "";
  let text = "";
  for await (const chunk of readLog(path, format)) text += chunk as string;
  const parts = text.split("\n");
  const trailingNewline = text.endsWith("\n");
  if (trailingNewline) parts.pop();
  return parts.slice(-lines).join("\n") + (trailingNewline && parts.length > 0 ? "\n" : "");
}

export interface FollowOptions {
  /** True once the job has ended and its engine will write no more. */
  readonly isFinished: () => boolean;
  readonly signal: AbortSignal;
  /** Start from the last N lines instead of the beginning. */
  readonly tail?: number | undefined;
  /** How often to look for new output. @defaultValue 200 */
  readonly pollIntervalMs?: number;
}

/**
 * Streams the log as it grows until the job has ended and everything written was
 * sent, or the client goes away. Waits for a log that does not exist yet.
 */
export function followLog(path: string, format: LogFormat, o: FollowOptions): Readable {
  const interval = o.pollIntervalMs ?? 200;
  return Readable.from((async function* () {
    const decoder = decoderFor(format);
    let offset = 0;
    if (o.tail !== undefined && existsSync(path)) {
      offset = (await stat(path)).size;
      const tail = await readLogTail(path, format, o.tail);
      if (tail) yield tail;
    }
    const buffer = Buffer.alloc(256 * 1024);
    while (!o.signal.aborted) {
      const finishedBeforeRead = o.isFinished();
      let grew = false;
      if (existsSync(path)) {
        const handle = await open(path, "r");
        try {
          for (;;) {
            const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
            if (bytesRead === 0) break;
            offset += bytesRead;
            grew = true;
            const text = decoder.push(buffer.subarray(0, bytesRead));
            if (text) yield text;
          }
        } finally {
          await handle.close();
        }
      }
      // Finished was seen before this read, and the read found nothing new: all is sent.
      if (finishedBeforeRead && !grew) return;
      if (!grew) await sleep(interval, undefined, { signal: o.signal }).catch(() => undefined);
    }
  })());
}
