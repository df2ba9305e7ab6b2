import { defineConfig } from "vitest/config";

/** Suites that need real parts (Podman, PostgreSQL, a registry, Slurm), started by the global set-up. */
const WITH_REAL_PARTS = ["test/**/*.test.ts", "src/**/conformance/**/*.test.ts"];

/**
 * Two projects: `unit` (pure logic, no services: `npx vitest run --project unit`, seconds)
 * and `integration` (real parts, started by test/setup). `npx vitest run` runs both.
 */
export default defineConfig({
  test: {
    pool: "forks",
    // Two cores: two files at a time keeps real containers from starving each other.
    maxWorkers: 2,
    // Generous: a busy two-core machine can take minutes where a quiet one takes seconds; waits inside tests are on conditions.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    projects: [
      // `extends: true`: each project keeps the settings above (timeouts, pool, workers).
      { extends: true, test: { name: "unit", include: ["src/**/*.test.ts", "web/src/**/*.test.ts"], exclude: ["src/**/conformance/**"] } },
      {
        extends: true,
        test: {
          name: "integration",
          include: WITH_REAL_PARTS,
          globalSetup: ["test/setup/engine.global.ts", "test/setup/postgres.global.ts"],
        },
      },
    ],
  },
});
