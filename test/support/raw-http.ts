import { connect } from "node:net";

export interface RawAnswer {
  /** Everything the server sent before it closed the connection (or the deadline passed). */
  readonly text: string;
  /** The status code of the first status line, or undefined when none came. */
  readonly status: number | undefined;
  /** The server closed the connection itself (a dropped connection with no answer shows as text ""). */
  readonly closed: boolean;
}

/**
 * Sends raw bytes to host:port and reads until the server closes, the answer's head has
 * come (`stopAtHead`) or `timeoutMs` passes:
 * for requests an HTTP client would refuse to send (CONNECT, bad Host, odd methods).
 */
export function rawRequest(url: string, bytes: string | Buffer, o: { timeoutMs?: number; stopAtHead?: boolean } = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    let closed = false;
    const done = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("latin1");
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      resolve({ text, status: status === undefined ? undefined : Number(status), closed });
    };
    const timer = setTimeout(() => { socket.destroy(); }, o.timeoutMs ?? 5000);
    socket.on("data", (b: Buffer) => {
      chunks.push(b);
      // A kept-alive connection stays open: with stopAtHead, the status and headers are enough.
      if (o.stopAtHead && Buffer.concat(chunks).includes("\r\n\r\n")) socket.destroy();
    });
    socket.on("end", () => { closed = true; });
    socket.on("close", done);
    socket.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "ECONNRESET") return;
      clearTimeout(timer);
      reject(e);
    });
    socket.write(bytes);
  });
}

/** The body of a raw answer (after the blank line). */
export const bodyOf = (answer: RawAnswer): string => answer.text.slice(answer.text.indexOf("\r\n\r\n") + 4);
