import type { FastifyInstance, FastifyRequest } from "fastify";
import type { TesCancelTaskResponse, TesCreateTaskResponse, TesListTasksResponse } from "../../contracts/tes-task.js";
import { AppError } from "../../domain/errors.js";
import { cancelTesTask } from "../../jobs/tes/cancel-tes-task.js";
import { createTesTask } from "../../jobs/tes/create-tes-task.js";
import { listTesTasks } from "../../jobs/tes/list-tes-tasks.js";
import { findOwnTask, snapshotTasks } from "../../jobs/tes/tes-task-runs.js";
import type { TesSettings } from "../../jobs/tes/tes-settings.js";
import { principalOf, type ApiDeps } from "../api-deps.js";
import { toErrorResponse } from "../error-status.js";
import { toTesServiceInfo, toTesTaskJson } from "../presenters/tes-task-presenter.js";
import { tesPageSize, tesState, tesTagFilter, tesValues, tesView } from "../tes-query.js";

/** Where TES is served: the schema's server URL. */
export const TES_PREFIX = "/ga4gh/tes/v1";

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/**
 * The GA4GH Task Execution Service v1.1 (issue 16), registered in its own scope under
 * {@link TES_PREFIX}: the same callers and authentication as the skaha routes, JSON
 * answers, and errors as JSON `{message, status_code}` (TES clients read JSON).
 */
export function registerTesRoutes(app: FastifyInstance, deps: ApiDeps, settings: TesSettings, version: string): void {
  const d = deps.jobs;
  app.setErrorHandler((err, request, reply) => {
    const r = toErrorResponse(err);
    if (r.status >= 500) request.log.error({ err, url: request.url }, "request failed");
    deps.metrics.httpErrors.inc({ status: String(r.status) });
    return reply.code(r.status).send({ message: r.message, status_code: r.status });
  });

  app.setNotFoundHandler((request, reply) => {
    deps.metrics.httpErrors.inc({ status: "404" });
    return reply.code(404).send({ message: `No such endpoint: ${request.method} ${request.url.split("?")[0]}. TES v1.1 serves GET /service-info, GET and POST /tasks, GET /tasks/{id} and POST /tasks/{id}:cancel under ${TES_PREFIX}.`, status_code: 404 });
  });

  app.get("/service-info", async (request) => toTesServiceInfo(settings, version, request.host, request.protocol));

  app.post("/tasks", async (request): Promise<TesCreateTaskResponse> => {
    const { id } = await createTesTask(d, settings, principalOf(request), request.body);
    return { id };
  });

  app.get("/tasks", async (request): Promise<TesListTasksResponse> => {
    const view = tesView(request);
    const page = await listTesTasks(d, principalOf(request), {
      namePrefix: tesValues(request, "name_prefix")[0], state: tesState(request), tags: tesTagFilter(request),
      pageSize: tesPageSize(request), pageToken: tesValues(request, "page_token")[0], view,
    });
    return { tasks: page.tasks.map((s) => toTesTaskJson(s, view)), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
  });

  app.get("/tasks/:id", async (request: IdRequest) => {
    const view = tesView(request);
    const record = await findOwnTask(d, principalOf(request), request.params.id);
    const [snapshot] = await snapshotTasks(d, [record], view !== "MINIMAL");
    return toTesTaskJson(snapshot!, view);
  });

  // `{id}:cancel` is one path segment: the router cannot split it, so the handler does.
  app.post("/tasks/:idAction", async (request: FastifyRequest<{ Params: { idAction: string } }>): Promise<TesCancelTaskResponse> => {
    const { idAction } = request.params;
    if (!idAction.endsWith(":cancel")) throw new AppError("NOT_FOUND", `No such endpoint: POST ${TES_PREFIX}/tasks/${idAction}. Cancel a task with POST ${TES_PREFIX}/tasks/{id}:cancel.`);
    await cancelTesTask(d, principalOf(request), idAction.slice(0, -":cancel".length));
    return {};
  });
}
