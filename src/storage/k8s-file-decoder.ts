/**
 * Podman's k8s-file log format: one record per line, `<time> <stdout|stderr> <F|P> <text>`.
 * F ends a line of the program's output; P is part of a line, continued by the next
 * record. Decoding gives back the bytes the program wrote, in order.
 */

/** The longest record header read: `<RFC3339Nano> stdout F ` is about 40 bytes. Longer is not a record. */
export const MAX_HEADER_BYTES = 256;

const SPACE = 0x20;
const NEWLINE = 0x0a;
const LINE_END = Buffer.from("\n");
const F = 0x46;

export interface RecordHeader {
  /** The record ends a line (tag F). */
  readonly full: boolean;
  /** Bytes of the program's text in the record. */
  readonly bodyBytes: number;
}

/**
 * Reads the header at the start of a record of `recordBytes` bytes (newline excluded),
 * from its first bytes. Undefined when it is not a record (nothing of it is output).
 */
export function parseK8sRecordHeader(start: Buffer, recordBytes: number): RecordHeader | undefined {
  const s1 = start.indexOf(SPACE);
  const s2 = s1 < 0 ? -1 : start.indexOf(SPACE, s1 + 1);
  if (s2 < 0) return undefined;
  const s3 = start.indexOf(SPACE, s2 + 1);
  if (s3 >= 0) return { full: s3 === s2 + 2 && start[s2 + 1] === F, bodyBytes: recordBytes - s3 - 1 };
  // `<time> <stream> F` with no text and no space after the tag: an empty line.
  if (recordBytes <= start.length) return { full: recordBytes === s2 + 2 && start[s2 + 1] === F, bodyBytes: 0 };
  return undefined;
}

/**
 * Decodes k8s-file records fed in chunks of any size. It holds at most one record
 * header between chunks: a record's text is passed on as it arrives, however long.
 * UTF-8 characters split across chunks or P records come out whole, since the output
 * is the program's bytes.
 */
export class K8sFileDecoder {
  /** @param only keep only this stream's records (for writing stdout and stderr to files of their own). */
  constructor(private readonly only?: "stdout" | "stderr") {}

  private state: "header" | "body" | "skip" = "header";
  private readonly header = Buffer.alloc(MAX_HEADER_BYTES);
  private headerBytes = 0;
  private spaces = 0;
  private full = false;

  /** The program's bytes in this chunk (possibly none). */
  push(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (this.state === "header") {
        pos = this.readHeader(chunk, pos, out);
        continue;
      }
      const newline = chunk.indexOf(NEWLINE, pos);
      const end = newline < 0 ? chunk.length : newline;
      if (this.state === "body" && end > pos) out.push(chunk.subarray(pos, end));
      if (newline < 0) break;
      if (this.state === "body" && this.full) out.push(LINE_END);
      this.startRecord();
      pos = newline + 1;
    }
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  /** Is the record whose header is in hand from this stream (`<time> <stream> <tag> `)? */
  private streamIs(stream: string): boolean {
    const h = this.header.subarray(0, this.headerBytes);
    const s1 = h.indexOf(SPACE);
    return h.subarray(s1 + 1, h.indexOf(SPACE, s1 + 1)).toString("latin1") === stream;
  }

  private startRecord(): void {
    this.state = "header";
    this.headerBytes = 0;
    this.spaces = 0;
    this.full = false;
  }

  /** Consumes header bytes from `pos`; returns where the header stopped. */
  private readHeader(chunk: Buffer, pos: number, out: Buffer[]): number {
    for (let i = pos; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === NEWLINE) {
        // A record without text: `<time> <stream> F` is an empty line.
        const h = parseK8sRecordHeader(this.header.subarray(0, this.headerBytes), this.headerBytes);
        if (h?.full) out.push(LINE_END);
        this.startRecord();
        return i + 1;
      }
      if (this.headerBytes === MAX_HEADER_BYTES) {
        this.state = "skip"; // not a record: dropped up to its newline, as before
        return i;
      }
      this.header[this.headerBytes++] = b;
      if (b === SPACE && ++this.spaces === 3) {
        this.full = this.headerBytes >= 3 && this.header[this.headerBytes - 2] === F && this.header[this.headerBytes - 3] === SPACE;
        this.state = this.only === undefined || this.streamIs(this.only) ? "body" : "skip";
        return i + 1;
      }
    }
    return chunk.length;
  }
}
