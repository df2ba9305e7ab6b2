import type { TestProject } from "vitest/node";
import { startPostgres } from "../support/postgres-server.js";

/** Starts a throwaway PostgreSQL cluster for the store suite and the API tests on PostgreSQL. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const pg = await startPostgres();
  project.provide("postgresUrl", pg.url);
  return () => pg.stop();
}
