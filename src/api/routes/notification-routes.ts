import type { FastifyInstance } from "fastify";
import { NOTIFICATION_LIST_PARAMETERS } from "../../contracts/skaha-parameters.js";
import { notificationKeyOf } from "../../jobs/notification-keys.js";
import { listNotifications } from "../../jobs/notification-deliveries.js";
import { principalOf, type ApiDeps } from "../api-deps.js";
import { extensionParams } from "../extension-params.js";
import { toNotificationDeliveryJson, toNotificationKeyJson } from "../presenters/notification-presenter.js";

/** Completion notifications (issue 12): the caller's signing key, and what became of their notifications. */
export function registerNotificationRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get("/notifications/key", async (request, reply) => {
    extensionParams(request, "/notifications/key", {});
    // A secret: never kept by a cache between the server and the user.
    return reply.header("cache-control", "no-store").send(toNotificationKeyJson(notificationKeyOf(deps.notificationKeys, principalOf(request))));
  });

  app.get("/notifications", async (request, reply) => {
    const p = extensionParams(request, "/notifications", NOTIFICATION_LIST_PARAMETERS);
    const entries = await listNotifications(deps.jobs, principalOf(request), p);
    return reply.send(entries.map(toNotificationDeliveryJson));
  });
}
