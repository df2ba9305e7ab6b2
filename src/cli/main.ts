import { Command, CommanderError } from "commander";
import { ConfigError } from "../config/load-config.js";
import { isAppError } from "../domain/errors.js";
import { reportIfClientError } from "./client-error-report.js";
import { registerAccountingCommand } from "./commands/accounting.js";
import { registerConfigCommand } from "./commands/config.js";
import { registerContextCommand } from "./commands/context.js";
import { registerCreateCommand } from "./commands/create.js";
import { registerDeleteCommand } from "./commands/delete.js";
import { registerGroupsCommand } from "./commands/groups.js";
import { registerEventsCommand } from "./commands/events.js";
import { registerImageCommand } from "./commands/image.js";
import { registerInfoCommand } from "./commands/info.js";
import { registerLoginCommand } from "./commands/login.js";
import { registerLogsCommand } from "./commands/logs.js";
import { registerPruneCommand } from "./commands/prune.js";
import { registerPsCommand } from "./commands/ps.js";
import { registerRenewCommand } from "./commands/renew.js";
import { registerSbatchCommand } from "./commands/sbatch.js";
import { registerServerCommand } from "./commands/server.js";
import { registerStatsCommand } from "./commands/stats.js";
import { registerSubmitDagCommand } from "./commands/submit-dag.js";
import { registerSubmitCommand } from "./commands/submit.js";
import { registerTokensCommand } from "./commands/tokens.js";
import { registerUsersCommand } from "./commands/users.js";
import { registerVersionCommand } from "./commands/version.js";
import { registerWaitCommand } from "./commands/wait.js";
import { EXIT } from "./exit-codes.js";
import { UsageError } from "./output.js";
import { cliEnvironment } from "./cli-environment.js";

const EXIT_FOR_CODE: Record<string, number> = {
  VALIDATION_FAILED: EXIT.USAGE,
  REQUEST_TOO_LARGE: EXIT.USAGE,
  NOT_FOUND: EXIT.NOT_FOUND,
  JOB_NOT_FOUND: EXIT.NOT_FOUND,
  CONFLICT: EXIT.FAILURE,
  UNAUTHENTICATED: EXIT.AUTH,
  FORBIDDEN: EXIT.AUTH,
  EXECUTOR_UNAVAILABLE: EXIT.UNAVAILABLE,
  IDENTITY_PROVIDER_UNAVAILABLE: EXIT.UNAVAILABLE,
};

/** Reports an error as one sentence on stderr (never a stack trace) and returns the exit status. */
export function reportError(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  if (e instanceof UsageError || e instanceof ConfigError) {
    process.stderr.write(`skyrun: ${e.message}\n`);
    return EXIT.USAGE;
  }
  const client = reportIfClientError(e);
  if (client) {
    process.stderr.write(`skyrun: ${client.message}\n`);
    return client.exit;
  }
  if (isAppError(e)) {
    process.stderr.write(`skyrun: ${e.message}\n`);
    return EXIT_FOR_CODE[e.code] ?? EXIT.FAILURE;
  }
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`skyrun: ${message}\n`);
  if (cliEnvironment().SKYRUN_DEBUG && e instanceof Error && e.stack) process.stderr.write(e.stack + "\n");
  return EXIT.FAILURE;
}

export function buildProgram(): Command {
  const program = new Command("skyrun")
    .description("skyrun: headless batch jobs on the skaha session API")
    .exitOverride()
    // Lets `skyrun accounting jobs -o csv` give -o to `jobs`, not to `accounting` (commander needs it on the program too).
    .enablePositionalOptions()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  // User commands, on the SDK (the platform CLI's verbs).
  for (const register of [registerCreateCommand, registerPsCommand, registerInfoCommand, registerEventsCommand, registerLogsCommand, registerWaitCommand,
    registerDeleteCommand, registerPruneCommand, registerRenewCommand, registerStatsCommand, registerAccountingCommand, registerImageCommand, registerContextCommand,
    registerLoginCommand, registerConfigCommand, registerVersionCommand,
    // The legacy batch systems' commands, on the translators in batch-files/.
    registerSubmitCommand, registerSubmitDagCommand, registerSbatchCommand]) register(program);
  registerServerCommand(program);
  registerUsersCommand(program);
  registerTokensCommand(program);
  registerGroupsCommand(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  // A reader that goes away (`skyrun logs -f ID | head`) is not a failure: stop quietly, as Unix tools do.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    process.exit(EXIT.OK);
  });
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (e) {
    process.exitCode = reportError(e);
  }
}
