import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ApiVersion } from "../../contracts/api-version.js";
import { BULK_ACTION_PARAMETER, CREATE_PARAMETERS, FORMAT_PARAMETER, LIST_PARAMETERS, MODIFY_PARAMETERS, SESSION_PARAMETERS } from "../../contracts/skaha-parameters.js";
import { invalid } from "../../domain/errors.js";
import { bulkAction, type BulkAction } from "../../jobs/bulk-actions.js";
import { createSessions } from "../../jobs/create-sessions.js";
import { deleteSession } from "../../jobs/delete-session.js";
import { listSessions } from "../../jobs/list-sessions.js";
import { platformStats } from "../../jobs/platform-info.js";
import { renewSession } from "../../jobs/renew-session.js";
import { retrySession } from "../../jobs/retry-session.js";
import { sessionDetails } from "../../jobs/session-details.js";
import { principalOf, type ApiDeps } from "../api-deps.js";
import { parsePaging, parseSelector, queryValues, statusFilter } from "../listing-query.js";
import { toBulkOutcomeJson, toBulkText } from "../presenters/bulk-presenter.js";
import { toPlatformStatsJson } from "../presenters/platform-presenter.js";
import { toCreatedSessionJson, toPublicSessionJson, toSessionJson } from "../presenters/session-presenter.js";
import { SessionJsonTexts } from "../presenters/session-json-texts.js";
import { collectCreateItems, collectParams, queryParam } from "../request-params.js";
import { requestedFormat, takeFormat, varyOnAccept } from "../response-format.js";
import { registerSessionOutputRoutes } from "./session-output-routes.js";

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/**
 * The `view` asked for, when it is one this resource knows. The platform ignores any
 * other value and gives the plain answer (skaha 1.7's client sends `view=event` for a
 * session's JSON), so an unknown view is not an error here either.
 */
export function knownView<T extends string>(value: string | undefined, known: readonly T[]): T | undefined {
  const v = value?.trim().toLowerCase();
  return (known as readonly (string | undefined)[]).includes(v) ? (v as T) : undefined;
}

const registryAuthOf = (request: FastifyRequest): string | undefined => {
  const header = request.headers["x-skaha-registry-auth"];
  return Array.isArray(header) ? header[0] : header;
};

/** The `/session` resource of one API version; v0 and v1 differ only in status words. */
export function registerSessionRoutes(app: FastifyInstance, deps: ApiDeps, version: ApiVersion): void {
  const d = deps.jobs;
  const listed = new SessionJsonTexts(version);

  app.get("/session", async (request, reply) => {
    const view = knownView(queryParam(request, LIST_PARAMETERS.view), LIST_PARAMETERS.view.allowed);
    if (view === "stats") return reply.send(toPlatformStatsJson(await platformStats(d)));
    const principal = principalOf(request);
    const page = await listSessions(d, principal, {
      type: queryParam(request, LIST_PARAMETERS.type), states: statusFilter(queryValues(request, LIST_PARAMETERS.status)), view, ...parseSelector(request), ...parsePaging(request),
    });
    // Paging rides in headers, so the body stays the platform's array.
    reply.header("x-skyrun-total", String(page.total));
    if (page.nextCursor) reply.header("x-skyrun-next-cursor", page.nextCursor);
    // view=all shows the public fields to everyone, as the platform; administrators see it all.
    if (view === "all" && !principal.isAdmin) return reply.send(page.jobs.map((j) => toPublicSessionJson(j, version)));
    const usage = await d.usage.read(page.jobs);
    const body = listed.arrayOf(page.jobs.map((job) => ({ job, live: { usage: usage.get(job.id), waiting: d.scheduling.explain(job) } })));
    return reply.type("application/json; charset=utf-8").send(body);
  });

  app.post("/session", async (request, reply) => {
    const principal = principalOf(request);
    const action = queryParam(request, BULK_ACTION_PARAMETER)?.trim().toLowerCase();
    if (action !== undefined) {
      if (action !== "renew") throw invalid(`unrecognized action on /session: ${action}. Allowed: renew (with label, name or set selecting sessions).`, { parameter: "action" });
      return sendBulk(request, reply, "renew");
    }
    await deps.identities.check(principal.owner);
    const items = await collectCreateItems(request, { ...CREATE_PARAMETERS, format: FORMAT_PARAMETER });
    const { format } = takeFormat(request, items[0]!);
    const jobs = await createSessions(d, principal, { items: items.map((p) => takeFormat(request, p).params), registryAuthHeader: registryAuthOf(request) });
    deps.metrics.sessionsCreated.inc(jobs.length);
    varyOnAccept(reply);
    if (format === "json") {
      const shaped = jobs.map((j) => toCreatedSessionJson(j, version, { waiting: d.scheduling.explain(j) }));
      return reply.type("application/json").send(shaped.length === 1 ? shaped[0] : shaped);
    }
    return reply.type("text/plain; charset=utf-8").send(jobs.map((j) => `${j.id}\n`).join(""));
  });

  const sendBulk = async (request: FastifyRequest, reply: FastifyReply, action: BulkAction) => {
    const outcomes = await bulkAction(d, principalOf(request), action, parseSelector(request));
    varyOnAccept(reply);
    if (requestedFormat(request) === "json") return reply.type("application/json").send(outcomes.map(toBulkOutcomeJson));
    return reply.type("text/plain; charset=utf-8").send(toBulkText(outcomes));
  };

  app.delete("/session", async (request, reply) => sendBulk(request, reply, "delete"));

  app.get("/session/:id", async (request: IdRequest, reply) => {
    const view = knownView(queryParam(request, SESSION_PARAMETERS.view), SESSION_PARAMETERS.view.allowed);
    if (view === "logs") return output.sendLogs(request, reply);
    if (view === "events") return output.sendEvents(request, reply);
    const s = await sessionDetails(d, principalOf(request), request.params.id);
    return reply.send(toSessionJson(s.job, version, { usage: s.usage, waiting: s.waiting, attempts: s.attempts, notification: s.notification }));
  });

  const output = registerSessionOutputRoutes(app, deps, version);

  app.post("/session/:id", async (request: IdRequest, reply) => {
    const params = await collectParams(request, MODIFY_PARAMETERS);
    const action = params.get("action")?.[0];
    if (action === undefined) throw invalid("Cannot modify an existing session: send action=renew to extend its expiry, or action=retry to run it again.", { parameter: "action" });
    const word = typeof action === "string" ? action.trim().toLowerCase() : "";
    if (word === "renew") {
      await renewSession(d, principalOf(request), request.params.id);
      return reply.code(200).send("");
    }
    if (word === "retry") {
      const job = await retrySession(d, principalOf(request), request.params.id, registryAuthOf(request));
      varyOnAccept(reply);
      if (requestedFormat(request) === "json") return reply.type("application/json").send(toCreatedSessionJson(job, version, { waiting: d.scheduling.explain(job) }));
      return reply.type("text/plain; charset=utf-8").send(`${job.id}\n`);
    }
    throw invalid(`unrecognized action: ${typeof action === "string" ? action : "?"}. Allowed: renew, retry.`, { parameter: "action" });
  });

  app.delete("/session/:id", async (request: IdRequest, reply) => {
    await deleteSession(d, principalOf(request), request.params.id);
    return reply.code(200).send("");
  });
}
