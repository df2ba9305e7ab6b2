import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { invalid } from "../../domain/errors.js";
import type { ApiVersion } from "../../contracts/api-version.js";
import { formatEventTable } from "../../contracts/session-event.js";
import type { Job } from "../../domain/job.js";
import type { SessionUsage } from "../../domain/session-usage.js";
import { createSessions } from "../../jobs/create-sessions.js";
import { deleteSession } from "../../jobs/delete-session.js";
import { findOwnSession } from "../../jobs/find-session.js";
import { listSessions } from "../../jobs/list-sessions.js";
import { platformStats } from "../../jobs/platform-info.js";
import { renewSession } from "../../jobs/renew-session.js";
import { sessionEvents } from "../../jobs/session-events.js";
import { sessionLogs } from "../../jobs/session-logs.js";
import { liveUsage, sessionStats } from "../../jobs/session-usage.js";
import { principalOf, type ApiDeps } from "../api-deps.js";
import { historyRows, toEventJson } from "../presenters/event-presenter.js";
import { toPlatformStatsJson, toSessionStatsJson } from "../presenters/platform-presenter.js";
import { toCreatedSessionJson, toPublicSessionJson, toSessionJson } from "../presenters/session-presenter.js";
import { statesForStatus, STATUS_FILTER_VALUES } from "../presenters/session-status.js";
import { describeWait } from "../presenters/wait-presenter.js";
import { collectCreateItems, collectParams, countParam, flagParam, queryParam } from "../request-params.js";
import { requestedFormat, takeFormat, varyOnAccept } from "../response-format.js";

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

const LIST_VIEWS = ["all", "stats", "interactive"] as const;
const SESSION_VIEWS = ["logs", "events"] as const;

/**
 * The `view` asked for, when it is one this resource knows. The platform ignores any
 * other value and gives the plain answer (skaha 1.7's client sends `view=event` for a
 * session's JSON), so an unknown view is not an error here either.
 */
function knownView<T extends string>(value: string | undefined, known: readonly T[]): T | undefined {
  const v = value?.trim().toLowerCase();
  return (known as readonly (string | undefined)[]).includes(v) ? (v as T) : undefined;
}

/** The job states a `status` filter names; a 400 naming the allowed words for anything else. */
function statusFilter(status: string | undefined) {
  if (status === undefined) return undefined;
  const states = statesForStatus(status);
  if (!states) throw invalid(`Invalid value for 'status': ${status}. Allowed: ${STATUS_FILTER_VALUES.join(", ")}.`, { parameter: "status" });
  return states;
}

/** The `/session` resource of one API version; v0 and v1 differ only in status words. */
export function registerSessionRoutes(app: FastifyInstance, deps: ApiDeps, version: ApiVersion): void {
  const d = deps.jobs;
  const waitText = (job: Job) => {
    const e = d.scheduling.explain(job);
    return e ? describeWait(e) : undefined;
  };
  const json = (job: Job, usage?: SessionUsage) => toSessionJson(job, version, { usage, pendingReason: waitText(job) });

  app.get("/session", async (request, reply) => {
    const view = knownView(queryParam(request, "view"), LIST_VIEWS);
    if (view === "stats") return reply.send(toPlatformStatsJson(await platformStats(d)));
    const jobs = await listSessions(d, principalOf(request), { type: queryParam(request, "type"), states: statusFilter(queryParam(request, "status")), view });
    if (view === "all") return reply.send(jobs.map((j) => toPublicSessionJson(j, version)));
    const usage = await d.usage.read(jobs);
    return reply.send(jobs.map((j) => json(j, usage.get(j.id))));
  });

  app.post("/session", async (request, reply) => {
    const header = request.headers["x-skaha-registry-auth"];
    const principal = principalOf(request);
    await deps.identities.check(principal.owner);
    const items = await collectCreateItems(request);
    const { format } = takeFormat(request, items[0]!);
    const jobs = await createSessions(d, principal, {
      items: items.map((p) => takeFormat(request, p).params),
      registryAuthHeader: Array.isArray(header) ? header[0] : header,
    });
    deps.metrics.sessionsCreated.inc(jobs.length);
    varyOnAccept(reply);
    if (format === "json") {
      const shaped = jobs.map((j) => toCreatedSessionJson(j, version, { pendingReason: waitText(j) }));
      return reply.type("application/json").send(shaped.length === 1 ? shaped[0] : shaped);
    }
    return reply.type("text/plain; charset=utf-8").send(jobs.map((j) => `${j.id}\n`).join(""));
  });

  app.delete("/session", async () => {
    throw invalid("Cannot kill all sessions: DELETE /session/{id} one at a time.");
  });

  app.get("/session/:id", async (request: IdRequest, reply) => {
    const view = knownView(queryParam(request, "view"), SESSION_VIEWS);
    if (view === "logs") return sendLogs(request, reply);
    if (view === "events") return sendEvents(request, reply);
    const job = await findOwnSession(d, principalOf(request), request.params.id);
    return reply.send(json(job, await liveUsage(d, job)));
  });

  // Logs are the session's bytes: text/plain whatever Accept or format say, as the platform.
  const sendLogs = async (request: IdRequest, reply: FastifyReply) => {
    const abort = new AbortController();
    // The response's close (not the request's, which fires once the body is read) means the client left.
    reply.raw.on("close", () => abort.abort());
    const stream = await sessionLogs(d, principalOf(request), request.params.id, {
      follow: flagParam(request, "follow"),
      tail: countParam(request, "tail"),
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
  app.get("/session/:id/stats", async (request: IdRequest, reply) => reply.send(toSessionStatsJson(await sessionStats(d, principalOf(request), request.params.id), version)));

  app.post("/session/:id", async (request: IdRequest, reply) => {
    const params = await collectParams(request);
    const action = params.get("action")?.[0];
    if (action === undefined) throw invalid("Cannot modify an existing session: send action=renew to extend its expiry.", { parameter: "action" });
    if (typeof action !== "string" || action.trim().toLowerCase() !== "renew") throw invalid(`unrecognized action: ${typeof action === "string" ? action : "?"}. Allowed: renew.`, { parameter: "action" });
    await renewSession(d, principalOf(request), request.params.id);
    return reply.code(200).send("");
  });

  app.delete("/session/:id", async (request: IdRequest, reply) => {
    await deleteSession(d, principalOf(request), request.params.id);
    return reply.code(200).send("");
  });
}
