/**
 * The one place the command line reads its environment. User commands read the CLI's
 * settings from it (SKYRUN_URL, SKYRUN_TOKEN, SKYRUN_CERT, SKYRUN_CONFIG for the settings
 * file, …); operator commands hand it to the server's configuration loader, which reads
 * only SKYRUN_SERVER_CONFIG and the server's own variables (docs/cli.md lists both).
 */
export const cliEnvironment = (): NodeJS.ProcessEnv => process.env;
