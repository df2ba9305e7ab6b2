import { PassThrough } from "node:stream";
import type { FastifyInstance } from "fastify";
import type { ApiVersion } from "../../contracts/api-version.js";
import { STREAM_PARAMETERS } from "../../contracts/skaha-parameters.js";
import { changeScope, resumePoint } from "../../jobs/session-changes.js";
import { principalOf, type ApiDeps } from "../api-deps.js";
import { STREAM_TIMINGS, StreamConnection, type StreamTimings } from "../live/stream-connection.js";
import { flagParam } from "../request-params.js";

/** The open streams of one server, so that shutdown ends them instead of waiting for clients to leave. */
export class OpenStreams {
  private readonly open = new Set<StreamConnection>();
  get size(): number {
    return this.open.size;
  }
  add(c: StreamConnection): void {
    this.open.add(c);
  }
  delete(c: StreamConnection): void {
    this.open.delete(c);
  }
  closeAll(): void {
    for (const c of [...this.open]) c.close();
  }
}

/**
 * `GET /stream` (skyrun): the caller's session changes as Server-Sent Events, resumable
 * with `Last-Event-ID` (docs/api.md, "Live changes").
 */
export function registerStreamRoutes(app: FastifyInstance, deps: ApiDeps, version: ApiVersion, streams: OpenStreams, timings: StreamTimings = STREAM_TIMINGS): void {
  app.get("/stream", async (request, reply) => {
    const scope = changeScope(principalOf(request), flagParam(request, STREAM_PARAMETERS.all));
    const header = request.headers["last-event-id"];
    const start = await resumePoint(deps.jobs, scope, Array.isArray(header) ? header[0] : header);
    const body = new PassThrough();
    const connection = new StreamConnection(
      { jobs: deps.jobs, clock: deps.jobs.clock, version, timings, onError: (err) => request.log.error({ err }, "session stream failed") },
      reply.raw, body, scope, start.cursor, () => {
        streams.delete(connection);
        body.end();
      },
    );
    streams.add(connection);
    connection.start(start.reset);
    // Proxies must neither buffer nor cache it: every event matters when it happens.
    return reply.type("text/event-stream; charset=utf-8").header("cache-control", "no-store").header("x-accel-buffering", "no").send(body);
  });
}
