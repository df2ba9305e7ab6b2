import { Command, CommanderError } from "commander";
import { ConfigError } from "../config/load-config.js";
import { isAppError } from "../domain/errors.js";
import { registerServerCommand } from "./commands/server.js";
import { registerTokensCommand } from "./commands/tokens.js";
import { registerUsersCommand } from "./commands/users.js";
import { EXIT } from "./exit-codes.js";
import { UsageError } from "./output.js";

const EXIT_FOR_CODE: Record<string, number> = {
  VALIDATION_FAILED: EXIT.USAGE,
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
  if (isAppError(e)) {
    process.stderr.write(`skyrun: ${e.message}\n`);
    return EXIT_FOR_CODE[e.code] ?? EXIT.FAILURE;
  }
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`skyrun: ${message}\n`);
  if (process.env.SKYRUN_DEBUG && e instanceof Error && e.stack) process.stderr.write(e.stack + "\n");
  return EXIT.FAILURE;
}

export function buildProgram(): Command {
  const program = new Command("skyrun")
    .description("skyrun: headless batch jobs on the skaha session API")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerServerCommand(program);
  registerUsersCommand(program);
  registerTokensCommand(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (e) {
    process.exitCode = reportError(e);
  }
}
