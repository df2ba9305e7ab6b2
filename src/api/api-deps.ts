import type { FastifyRequest } from "fastify";
import { AppError } from "../domain/errors.js";
import type { Authenticator } from "../identity/authenticator.js";
import type { IdentityGuard } from "../identity/identity-guard.js";
import type { Principal } from "../identity/principal.js";
import type { JobServiceDeps } from "../jobs/job-service-deps.js";
import type { NotificationKeys } from "../jobs/notification-keys.js";
import type { AccountingSettings } from "../jobs/quota-report.js";
import type { ApiMetrics } from "./api-metrics.js";

export interface ApiDeps {
  readonly jobs: JobServiceDeps;
  readonly authenticator: Authenticator;
  readonly metrics: ApiMetrics;
  /** Refuses new sessions for identities whose numbers collide with another principal's. */
  readonly identities: IdentityGuard;
  /** Quotas reported by `GET /accounting/quotas` (issue 12). */
  readonly accounting: AccountingSettings;
  /** Users' keys for checking their notifications' signatures (issue 12). */
  readonly notificationKeys: NotificationKeys;
}

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The authenticated caller; the auth hook guarantees one on /skaha routes. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError("UNAUTHENTICATED", "Authentication required.");
  return request.principal;
}
