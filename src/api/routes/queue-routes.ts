import type { FastifyInstance } from "fastify";
import type { ApiVersion } from "../../contracts/api-version.js";
import { queueOverview } from "../../jobs/queue-overview.js";
import { principalOf, type ApiDeps } from "../api-deps.js";
import { toQueueJson } from "../presenters/queue-presenter.js";

/** `GET /queue` (skyrun): capacity, users, the longest waiting and oldest running sessions, the engine's nodes. */
export function registerQueueRoutes(app: FastifyInstance, deps: ApiDeps, version: ApiVersion): void {
  app.get("/queue", async (request, reply) => reply.send(toQueueJson(await queueOverview(deps.jobs, principalOf(request)), version, deps.jobs.scheduling)));
}
