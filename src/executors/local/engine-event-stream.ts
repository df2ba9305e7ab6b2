import type Docker from "dockerode";
import type { Logger } from "pino";
import type { Clock } from "../../domain/clock.js";
import { engineMessage } from "./engine-errors.js";

/** An event line of the Engine API's `/events` stream (Docker's and Podman's spellings). */
export interface EngineEvent {
  readonly Action?: string;
  readonly status?: string;
  readonly id?: string;
  readonly timeNano?: number;
  readonly Actor?: { readonly Attributes?: Record<string, string> };
}

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5000;

export interface EngineEventStreamOptions {
  /** Only containers with these labels (`key=value`). */
  readonly labels: readonly string[];
  readonly onEvent: (event: EngineEvent) => Promise<void>;
  /** Called after each (re)connection, to replay what was missed while disconnected. */
  readonly onConnected: () => Promise<void>;
}

/**
 * The engine's container event stream (`start`, `die`), kept open: when it breaks it
 * is reopened with a back-off, and `onConnected` replays the current state so no change
 * is lost. `isAvailable` is true while it is open.
 */
export class EngineEventStream {
  private stream: (NodeJS.ReadableStream & { destroy(): void }) | undefined;
  private available = false;
  private closed = false;
  private reconnectDelayMs = RECONNECT_MIN_MS;
  private cancelReconnect: (() => void) | undefined;

  constructor(private readonly docker: Docker, private readonly clock: Clock, private readonly log: Logger, private readonly o: EngineEventStreamOptions) {}

  isAvailable(): boolean {
    return this.available;
  }

  /** Opens the stream; on failure, keeps trying in the background and rethrows. */
  async open(): Promise<void> {
    try {
      await this.connect();
    } catch (e) {
      this.scheduleReconnect();
      throw e;
    }
  }

  close(): void {
    this.closed = true;
    this.cancelReconnect?.();
    const stream = this.stream;
    this.stream = undefined;
    stream?.destroy();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.cancelReconnect) return;
    this.cancelReconnect = this.clock.setTimer(this.reconnectDelayMs, () => {
      this.cancelReconnect = undefined;
      this.connect().catch((e: unknown) => {
        this.log.warn({ err: engineMessage(e), retryInMs: this.reconnectDelayMs }, "container engine unreachable");
        this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, RECONNECT_MAX_MS);
        this.scheduleReconnect();
      });
    });
  }

  private async connect(): Promise<void> {
    // Podman filters on its internal name "died" but reports "die"; Docker knows only "die".
    const stream = (await this.docker.getEvents({ filters: { type: ["container"], label: [...this.o.labels], event: ["start", "die", "died"] } })) as NodeJS.ReadableStream & { destroy(): void };
    this.stream = stream;
    this.available = true;
    this.reconnectDelayMs = RECONNECT_MIN_MS;
    let buffer = "";
    stream.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (line) this.dispatch(line);
      }
    });
    const lost = () => {
      if (this.stream !== stream) return;
      this.stream = undefined;
      this.available = false;
      if (!this.closed) {
        this.log.warn("lost the container engine's event stream; reconnecting");
        this.scheduleReconnect();
      }
    };
    stream.on("end", lost);
    stream.on("error", lost);
    stream.on("close", lost);
    await this.o.onConnected();
  }

  private dispatch(line: string): void {
    let event: EngineEvent;
    try {
      event = JSON.parse(line) as EngineEvent;
    } catch (e) {
      this.log.warn({ line: line.slice(0, 200), err: e }, "unparseable engine event");
      return;
    }
    this.o.onEvent(event).catch((e: unknown) => this.log.error({ err: e }, "engine event handling failed"));
  }
}
