import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ApiVersion } from "../../contracts/api-version.js";
import { LOG_PARAMETERS, STATS_PARAMETERS } from "../../contracts/skaha-parameters.js";
import { formatEventTable } from "../../contracts/session-event.js";
import { sessionEvents } from "../../jobs/session-events.js";
import { sessionLogs } from "../../jobs/session-logs.js";
import { sessionStats } from "../../jobs/session-usage.js";
import { principalOf, type ApiDeps } from "../api-deps.js";
import { historyRows, toEventJson } from "../presenters/event-presenter.js";
import { toSessionStatsJson } from "../presenters/platform-presenter.js";
import { countParam, flagParam } from "../request-params.js";
import { requestedFormat, varyOnAccept } from "../response-format.js";

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** A session's logs, events and stats, at their own paths and as `?view=` of the session. */
export function registerSessionOutputRoutes(app: FastifyInstance, deps: ApiDeps, version: ApiVersion) {
  const d = deps.jobs;

  // Logs are the session's bytes: text/plain whatever Accept or format say, as the platform.
  const sendLogs = async (request: IdRequest, reply: FastifyReply) => {
    const abort = new AbortController();
    // The response's close (not the request's, which fires once the body is read) means the client left.
    reply.raw.on("close", () => abort.abort());
    const stream = await sessionLogs(d, principalOf(request), request.params.id, {
      follow: flagParam(request, LOG_PARAMETERS.follow),
      tail: countParam(request, LOG_PARAMETERS.tail),
      attempt: countParam(request, LOG_PARAMETERS.attempt),
      signal: abort.signal,
    });
    return reply.type("text/plain; charset=utf-8").send(stream);
  };

  const sendEvents = async (request: IdRequest, reply: FastifyReply) => {
    const format = requestedFormat(request);
    const events = historyRows(await sessionEvents(d, principalOf(request), request.params.id), d.clock.now());
    varyOnAccept(reply);
    const json = events.map(toEventJson);
    if (format === "json") return reply.type("application/json").send(json);
    return reply.type("text/plain; charset=utf-8").send(formatEventTable(json));
  };

  app.get("/session/:id/logs", sendLogs);
  app.get("/session/:id/events", sendEvents);
  app.get("/session/:id/stats", async (request: IdRequest, reply) => {
    const stats = await sessionStats(d, principalOf(request), request.params.id, { history: flagParam(request, STATS_PARAMETERS.history) });
    return reply.send(toSessionStatsJson(stats, version));
  });
  return { sendLogs, sendEvents };
}
