import type { FastifyInstance } from "fastify";
import { BATCH_PARAMETERS } from "../../contracts/skaha-parameters.js";
import { sessionBatches } from "../../jobs/session-batches.js";
import { principalOf, type ApiDeps } from "../api-deps.js";
import { extensionParams } from "../extension-params.js";
import { toBatchJson } from "../presenters/batch-presenter.js";
import { flagParam } from "../request-params.js";

/** `GET /batches`: the caller's sessions grouped by DAG, set or label, as `condor_q`'s batch view (issue 12). */
export function registerBatchRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get("/batches", async (request, reply) => {
    const p = extensionParams(request, "/batches", BATCH_PARAMETERS);
    const principal = principalOf(request);
    const rows = await sessionBatches(deps.jobs, principal, { groupBy: p.groupBy, all: flagParam(request, BATCH_PARAMETERS.all) });
    return reply.send(rows.map((r) => toBatchJson(r, principal.user.name)));
  });
}
