import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { AppError } from "../domain/errors.js";
import type { Principal } from "../identity/principal.js";

/** Who may read `/metrics` (issue 11). */
export interface MetricsAccess {
  /** The bearer token a Prometheus scraper sends (its `credentials_file`); undefined: none is accepted. */
  readonly bearerToken?: string | undefined;
  /** Anyone may read it: only where the listen address is reachable by trusted hosts alone. @defaultValue false */
  readonly public?: boolean;
}

/** Resolves when the request may read the metrics. @throws AppError UNAUTHENTICATED or FORBIDDEN. */
export type MetricsGate = (request: FastifyRequest) => Promise<void>;

const digest = (s: string): Buffer => createHash("sha256").update(s).digest();

/**
 * The metrics tell how busy the service is, who fails how often and what the process
 * runs on: administrators read them with their own credentials, a scraper with the
 * configured token. Loopback is not trusted by itself, since a reverse proxy on the
 * same host would make every client look local.
 */
export function createMetricsGate(access: MetricsAccess, authenticate: (request: FastifyRequest) => Promise<Principal>): MetricsGate {
  const expected = access.bearerToken ? digest(access.bearerToken) : undefined;
  return async (request) => {
    if (access.public) return;
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization?.trim() ?? "")?.[1];
    // Compared as digests in constant time: the answer's timing tells nothing of the token.
    if (expected && bearer !== undefined && timingSafeEqual(digest(bearer), expected)) return;
    const principal = await authenticate(request);
    if (!principal.isAdmin) {
      throw new AppError("FORBIDDEN", "/metrics is for administrators (members of auth.adminGroup) and for the scrape token of metrics.tokenFile.");
    }
  };
}
