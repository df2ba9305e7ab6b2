/**
 * Reading a job's log file in bounded memory, whatever its size (issue 11).
 *
 * - A full read streams the file forwards, a block at a time.
 * - `tail=N` finds where the last N lines start by reading blocks backwards from the
 *   end, then streams from there: its cost is the size of the tail, not of the log.
 * - `follow` streams from the start (or from the tail's start) and keeps reading as
 *   the file grows.
 * Nothing holds a whole line: a 10 MB line without a newline passes through in blocks.
 */
import { existsSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { K8sFileDecoder, parseK8sRecordHeader } from "./k8s-file-decoder.js";

/** How an engine writes a job's output: Podman's k8s-file lines, or raw bytes (Slurm). */
export type LogFormat = "k8s-file" | "raw";

export { K8sFileDecoder } from "./k8s-file-decoder.js";

/** Bytes read at a time, forwards or backwards; the most a reader holds of the file. */
export const LOG_BLOCK_BYTES = 64 * 1024;
/** What a k8s-file record's header can take: `<RFC3339Nano> stdout F ` is about 40 bytes. */
const HEADER_PEEK_BYTES = 256;
const NEWLINE = 0x0a;

interface Decoder {
  push(chunk: Buffer): Buffer;
}
const decoderFor = (format: LogFormat): Decoder => (format === "k8s-file" ? new K8sFileDecoder() : { push: (b) => b });

const streamOf = (chunks: AsyncIterable<Buffer>): Readable => Readable.from(chunks, { objectMode: false, highWaterMark: LOG_BLOCK_BYTES });

/** Reads the file backwards in blocks, keeping only the current one, and serves small reads at any offset. */
class BackwardReader {
  private block = Buffer.alloc(0);
  private blockStart: number;

  constructor(private readonly handle: FileHandle, size: number, private readonly blockBytes: number) {
    this.blockStart = size;
  }

  /** Offsets of newlines before `before`, nearest first. */
  async *newlines(before: number): AsyncGenerator<number> {
    let end = before;
    while (end > 0) {
      if (end <= this.blockStart) await this.load(Math.max(0, end - this.blockBytes), end);
      let i = end - this.blockStart;
      while (i > 0) {
        i = this.block.lastIndexOf(NEWLINE, i - 1);
        if (i < 0) break;
        yield this.blockStart + i;
      }
      end = this.blockStart;
    }
  }

  /** Up to `length` bytes at `offset`: from the block in hand when it holds them, else read. */
  async bytesAt(offset: number, length: number): Promise<Buffer> {
    const inBlock = offset - this.blockStart;
    if (inBlock >= 0 && inBlock + length <= this.block.length) return this.block.subarray(inBlock, inBlock + length);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  }

  private async load(start: number, end: number): Promise<void> {
    const buffer = Buffer.alloc(end - start);
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, start);
    this.block = buffer.subarray(0, bytesRead);
    this.blockStart = start;
  }
}

/** What one record (k8s-file) or line (raw) gives the output: whether it ends a line, and whether it gives anything. */
async function classify(reader: BackwardReader, format: LogFormat, start: number, stop: number, complete: boolean): Promise<{ endsLine: boolean; gives: boolean }> {
  if (format === "raw") return { endsLine: complete, gives: complete || stop > start };
  const header = parseK8sRecordHeader(await reader.bytesAt(start, Math.min(HEADER_PEEK_BYTES, stop - start)), stop - start);
  if (!header) return { endsLine: false, gives: false };
  const endsLine = complete && header.full;
  return { endsLine, gives: endsLine || header.bodyBytes > 0 };
}

/**
 * The offset at which the last `lines` lines of the output start, reading backwards
 * from `size` in blocks of `blockBytes`. A last line without its newline yet counts as
 * a line, as `tail` does.
 */
export async function tailOffset(handle: FileHandle, size: number, format: LogFormat, lines: number, blockBytes = LOG_BLOCK_BYTES): Promise<number> {
  if (lines <= 0) return size;
  const reader = new BackwardReader(handle, size, blockBytes);
  let stop = size;
  let complete = false;
  let target: number | undefined;
  let seen = 0;
  const consider = async (start: number): Promise<number | undefined> => {
    const r = await classify(reader, format, start, stop, complete);
    if (target === undefined) {
      if (!r.gives) return undefined;
      // Output that ends with a newline: the line before the last N ends where they start.
      target = r.endsLine ? lines + 1 : lines;
    }
    if (r.endsLine && ++seen === target) return stop + 1;
    return undefined;
  };
  for await (const newline of reader.newlines(size)) {
    const found = await consider(newline + 1);
    if (found !== undefined) return found;
    stop = newline;
    complete = true;
  }
  return (await consider(0)) ?? 0;
}

/** The output from `from` to the end of the file as it is now. */
async function* readFrom(handle: FileHandle, format: LogFormat, from: number, to: number): AsyncGenerator<Buffer> {
  const decoder = decoderFor(format);
  for (let offset = from; offset < to;) {
    const buffer = Buffer.allocUnsafe(Math.min(LOG_BLOCK_BYTES, to - offset));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    if (bytesRead === 0) return;
    offset += bytesRead;
    const out = decoder.push(buffer.subarray(0, bytesRead));
    if (out.length > 0) yield out;
  }
}

/**
 * The log as text, in order: all of it, or its last `tail` lines. An absent log (a job
 * that has not started) is empty.
 */
export function readLog(path: string, format: LogFormat, o: { readonly tail?: number | undefined } = {}): Readable {
  return streamOf((async function* () {
    if (!existsSync(path)) return;
    const handle = await open(path, "r");
    try {
      const size = (await handle.stat()).size;
      const from = o.tail === undefined ? 0 : await tailOffset(handle, size, format, o.tail);
      yield* readFrom(handle, format, from, size);
    } finally {
      await handle.close();
    }
  })());
}

/** The last `lines` lines of the log, whole; for small tails and tests (the API streams `readLog`). */
export async function readLogTail(path: string, format: LogFormat, lines: number): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of readLog(path, format, { tail: lines })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
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
  return streamOf((async function* () {
    const decoder = decoderFor(format);
    let offset: number | undefined;
    while (!o.signal.aborted) {
      const finishedBeforeRead = o.isFinished();
      let grew = false;
      if (existsSync(path)) {
        const handle = await open(path, "r");
        try {
          offset ??= o.tail === undefined ? 0 : await tailOffset(handle, (await handle.stat()).size, format, o.tail);
          for (;;) {
            const buffer = Buffer.allocUnsafe(LOG_BLOCK_BYTES);
            const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
            if (bytesRead === 0) break;
            offset += bytesRead;
            grew = true;
            const out = decoder.push(buffer.subarray(0, bytesRead));
            if (out.length > 0) yield out;
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
