import type { FastifyInstance } from "fastify";
import { IMAGE_PARAMETERS } from "../../contracts/skaha-parameters.js";
import { listImages, resourceContext } from "../../jobs/platform-info.js";
import type { ApiDeps } from "../api-deps.js";
import { toImageJson, toResourceContextJson } from "../presenters/platform-presenter.js";
import { flagParam, queryParam } from "../request-params.js";

/** `/context`, `/image` and `/repository` of one API version. */
export function registerPlatformRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get("/context", async (_request, reply) => reply.send(toResourceContextJson(resourceContext(deps.jobs))));
  app.get("/image", async (request, reply) => reply.send((await listImages(deps.jobs, queryParam(request, IMAGE_PARAMETERS.type), { refresh: flagParam(request, IMAGE_PARAMETERS.refresh) })).map(toImageJson)));
  app.get("/repository", async (_request, reply) => reply.send([...deps.jobs.registries]));
}
