// @ts-check
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";
import { defineConfig } from "eslint/config";

/** The import rule of STYLE.md §1: which folder may import which. */
const layer = (files, forbidden, message) => ({
  files,
  // Tests wire concrete parts together, as main.ts does.
  ignores: ["**/*.test.ts"],
  rules: { "no-restricted-imports": ["error", { patterns: forbidden.map((group) => ({ group: [group], message })) }] },
});

export default defineConfig(
  { ignores: ["dist/", "node_modules/", "coverage/", "bench/results/"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ["*.js", "bin/*.js", "scripts/*.mjs"] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-confusing-void-expression": "off",
      "@typescript-eslint/no-unnecessary-condition": ["error", { allowConstantLoopConditions: true }],
      "@typescript-eslint/no-non-null-assertion": "off",
      // Fastify handlers and interface implementations are async by contract even when they do not await.
      "@typescript-eslint/require-await": "off",
      // `json<T>()`-style typed reads are clearer than casts at every call site.
      "@typescript-eslint/no-unnecessary-type-parameters": "off",
    },
  },
  { files: ["**/*.js", "**/*.mjs"], ...tseslint.configs.disableTypeChecked, languageOptions: { globals: globals.node } },
  // The dashboard runs in the browser: browser globals, and it imports only its own files, contracts/ and bundled npm libraries.
  { files: ["web/src/**/*.{ts,tsx}"], languageOptions: { globals: globals.browser } },
  {
    files: ["web/src/**/*.{ts,tsx}"],
    ignores: ["**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [
      { regex: "^(\\.\\./)+src/(?!contracts/)", message: "web/ talks to the server only through the public API: it imports src/contracts/ alone" },
      { group: ["node:*"], message: "web/ runs in the browser" },
    ] }] },
  },
  // Small rooms (issue 15): no source file over 400 lines, no function or closure over 150.
  {
    files: ["src/**/*.ts", "web/src/**/*.{ts,tsx}"],
    ignores: ["**/*.test.ts", "**/conformance/**"],
    rules: {
      "max-lines": ["error", { max: 400, skipBlankLines: false, skipComments: false }],
      "max-lines-per-function": ["error", { max: 150, skipBlankLines: false, skipComments: false, IIFEs: true }],
    },
  },
  // Rows come from two drivers whose runtime types can differ from the declared ones (BIGINT as string).
  { files: ["src/store/**/*.ts"], rules: { "@typescript-eslint/no-unnecessary-type-conversion": "off" } },
  // Every folder under src/ has its rule; main.ts, the composition root, alone may import anything.
  layer(["src/domain/**/*.ts"], ["**/store/**", "**/executors/**", "**/api/**", "**/jobs/**", "**/scheduler/**", "**/cli/**", "**/client/**", "**/config/**", "**/identity/**", "**/storage/**", "**/images/**", "fastify", "kysely", "dockerode", "pg", "better-sqlite3", "node:fs", "node:fs/*", "node:net", "node:http", "node:https", "node:child_process", "node:os", "node:path"], "domain/ is pure: no I/O and no outer layers"),
  layer(["src/config/**/*.ts"], ["**/store/**", "**/executors/**", "**/api/**", "**/jobs/**", "**/scheduler/**", "**/cli/**", "**/client/**", "**/identity/**", "**/storage/**", "**/images/**"], "config/ parses settings; it knows no other part"),
  layer(["src/store/**/*.ts"], ["**/api/**", "**/jobs/**", "**/scheduler/**", "**/executors/**", "**/cli/**", "**/client/**", "**/config/**", "**/identity/**", "**/storage/**", "**/images/**"], "store/ may import only domain/"),
  layer(["src/storage/**/*.ts"], ["**/store/**", "**/api/**", "**/jobs/**", "**/scheduler/**", "**/executors/**", "**/cli/**", "**/client/**", "**/config/**", "**/identity/**", "**/images/**"], "storage/ (files on disk) may import only domain/"),
  layer(["src/images/**/*.ts"], ["**/store/**", "**/api/**", "**/jobs/**", "**/scheduler/**", "**/executors/**", "**/cli/**", "**/client/**", "**/config/**", "**/identity/**", "**/storage/**"], "images/ talks to registries; it may import only domain/"),
  layer(["src/identity/**/*.ts"], ["**/store/kysely-*", "**/store/open-store*", "**/api/**", "**/jobs/**", "**/scheduler/**", "**/executors/**", "**/cli/**", "**/client/**", "**/config/**", "**/storage/**", "**/images/**"], "identity/ uses domain/ and the store's interfaces"),
  {
    files: ["src/executors/**/*.ts"],
    ignores: ["src/executors/registry.ts", "**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ group: ["**/api/**", "**/jobs/**", "**/scheduler/**", "**/store/**", "**/cli/**", "**/client/**", "**/config/**", "**/identity/**", "**/storage/**", "**/images/**", "fastify"], message: "an executor never knows about HTTP, the store, the scheduler or the configuration (registry.ts hands it its section)" }] }] },
  },
  layer(["src/executors/registry.ts"], ["**/api/**", "**/jobs/**", "**/scheduler/**", "**/store/**", "**/cli/**", "**/client/**", "**/identity/**", "**/images/**"], "the executor registry builds executors from their config sections"),
  {
    files: ["src/scheduler/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [
      { group: ["**/api/**", "**/cli/**", "**/client/**", "**/config/**", "**/identity/**", "**/images/**", "**/store/kysely-*", "**/store/open-store*", "**/executors/local/**", "**/executors/slurm/**"], message: "scheduler/ uses domain/ and the store's, storage's and executors' interfaces" },
      { regex: "^(\\.\\./)+jobs/(?!scheduling-port\\.js$)", message: "scheduler/ implements jobs/scheduling-port.ts and imports nothing else from jobs/" },
    ] }] },
  },
  {
    files: ["src/jobs/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [
      { group: ["**/api/**", "**/cli/**", "**/client/**", "**/config/**", "**/scheduler/**", "**/executors/**", "**/store/kysely-*", "**/store/open-store*"], message: "jobs/ reaches scheduling only through scheduling-port.ts, and the store through its interfaces" },
    ] }] },
  },
  layer(["src/tes/**/*.ts"], ["**/store/**", "**/executors/**", "**/api/**", "**/jobs/**", "**/scheduler/**", "**/cli/**", "**/client/**", "**/config/**", "**/identity/**", "**/storage/**", "**/images/**", "fastify", "kysely", "node:fs", "node:fs/*", "node:net", "node:http", "node:https", "node:child_process"], "tes/ maps GA4GH TES tasks to sessions and back; pure: it imports only domain/ and contracts/"),
  layer(["src/api/**/*.ts"], ["**/store/kysely-*", "**/store/open-store*", "**/executors/**", "**/scheduler/**", "**/cli/**", "**/client/**", "**/config/**", "**/storage/**", "**/images/**"], "api/ uses jobs/, identity/, contracts/ and domain/; never engines, the scheduler or drivers"),
  {
    files: ["src/client/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ regex: "^\\.\\./(?!contracts/)", message: "client/ imports only contracts/ (plus Node built-ins and npm libraries such as undici for TLS)" }] }] },
  },
  layer(["src/contracts/**/*.ts"], ["../*", "node:*"], "contracts/ is shared by server and client: no imports"),
  // The legacy batch-file translators are pure: file text in, session requests out; I/O arrives through SubmitHost.
  ...[["src/batch-files/*.ts", "^\\.\\./(?!contracts/)"], ["src/batch-files/*/**/*.ts", "^\\.\\./\\.\\./(?!contracts/)"]].map(([files, outside]) => ({
    files: [files],
    ignores: ["**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [
      { regex: outside, message: "batch-files/ imports only contracts/ and itself" },
      { regex: "^node:", message: "batch-files/ is pure: file reads, globbing and the environment arrive through a SubmitHost" },
    ] }] },
  })),
  // User verbs are thin over the SDK (and the pure batch-file translators); only the operator commands (and main.ts, which registers them) reach into the server.
  {
    files: ["src/cli/**/*.ts"],
    ignores: ["src/cli/main.ts", "src/cli/commands/server.ts", "src/cli/commands/users.ts", "src/cli/commands/tokens.ts", "src/cli/commands/groups.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ regex: "^(\\.\\./)+(domain|config|api|jobs|store|scheduler|executors|identity|storage|images|main)(/|\\.js$)", message: "skyrun's user commands import only src/client (and cli-local modules)" }] }] },
  },
  {
    files: ["**/*.test.ts", "test/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-floating-promises": "error",
    },
  },
);
