import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import type { BatchPlan } from "../batch-files/plan.js";
import type { FlavourTable } from "../batch-files/htcondor/vm-flavours.js";
import type { CreatedSet, CreateSetsResult } from "../client/index.js";
import { CLI_VERSION, interruptSignal, outputFormat, withClient, withConnectionOptions, withOutputOption, type ConnectionFlags, type OutputFlags } from "./client-command.js";
import { printPlan, printPlanWarnings, translateOrExplain } from "./batch-plan-output.js";
import { newJobNumber, reportSubmissionFailure, submitPlan } from "./batch-submission.js";
import { renderData, UsageError } from "./output.js";
import { loadFlavourTable } from "./vm-flavour-file.js";
import { cliEnvironment } from "./cli-environment.js";

/** canfar_submit's options, and skyrun's for where /arc is and what a dry run prints. */
export interface HtcondorFlags extends ConnectionFlags, OutputFlags {
  user?: string;
  verbose?: boolean;
  dryRun?: boolean;
  arcMount?: string;
  flavours?: string;
}

/** What a submit-like command hands its translator. */
export interface TranslateInput {
  readonly text: string;
  readonly name: string;
  readonly path: string;
  readonly submitDir: string;
  readonly arcRoot: string;
  readonly number: number;
  readonly image?: string;
  readonly flavour?: string;
  readonly flavours: FlavourTable;
}

export interface HtcondorCommandSpec {
  readonly name: string;
  readonly description: string;
  readonly fileArgument: string;
  readonly translate: (input: TranslateInput) => BatchPlan;
  /** The lines printed after a submission, as the legacy tool prints them. */
  readonly summary: (plan: BatchPlan, created: readonly CreatedSet[]) => string;
}

/** Reads a batch file named on the command line (relative to this directory). */
export function readBatchFile(name: string): { text: string; path: string } {
  const path = resolve(name);
  try {
    return { text: readFileSync(path, "utf8"), path };
  } catch (e) {
    throw new UsageError(`${name}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** `--arc-mount`, else SKYRUN_ARC_MOUNT, else /arc itself (inside a platform session). */
export const arcRoot = (flag: string | undefined): string => resolve(flag ?? cliEnvironment().SKYRUN_ARC_MOUNT ?? "/arc");

/** What the sets became, for machines. */
export const createdData = (plan: BatchPlan, result: CreateSetsResult) => ({
  jobNumber: plan.jobNumber,
  sets: result.created.map((c) => ({ key: c.key, ...(c.setId !== undefined ? { setId: c.setId } : {}), ids: c.ids })),
  ...(result.failed ? { failed: { key: result.failed.key, error: result.failed.error.message }, notSent: result.notSent } : {}),
});

/** Registers `skyrun submit` or `skyrun submit-dag`: canfar_submit's command line over a translator and the SDK. */
export function registerHtcondorCommand(program: Command, spec: HtcondorCommandSpec): void {
  const command = program.command(spec.name)
    .description(spec.description)
    .argument(`<${spec.fileArgument}>`, "the file to translate; relative paths in it are read from this directory, as HTCondor does")
    .argument("[VM_IMAGE]", "the container image (else container_image/docker_image in the file)")
    .argument("[VM_FLAVOR]", "a size: cN-Xgb-D (N cores, X GB RAM, D GB disk, e.g. c2-7.5gb-31) or a name your site lists")
    .option("-u, --user <username>", "the user to run the jobs as (skyrun runs them as the account your credentials name)")
    .option("-v, --verbose", "say what is created, set by set")
    .option("--dry-run", "print the sessions that would be created, and create nothing")
    .option("--arc-mount <dir>", "where /arc is mounted on this machine (default: SKYRUN_ARC_MOUNT, else /arc)")
    .option("--flavours <file>", "the site's flavour list (default: SKYRUN_FLAVOURS, else /etc/skyrun/flavours.yaml)")
    .version(`skyrun ${spec.name} (skyrun CLI ${CLI_VERSION})`, "-V, --version", "print the version and exit");
  withOutputOption(withConnectionOptions(command, "-c, --cert <pem>")).action(async (file: string, image: string | undefined, flavour: string | undefined, f: HtcondorFlags) => {
    const format = outputFormat(f);
    const { text, path } = readBatchFile(file);
    // HTCondor numbers a dry run's cluster 1; a real one gets a number the jobs' file names can carry.
    const number = f.dryRun ? 1 : newJobNumber();
    const plan = translateOrExplain(() => spec.translate({
      text, name: file, path, submitDir: process.cwd(), arcRoot: arcRoot(f.arcMount), number, flavours: loadFlavourTable(f.flavours),
      ...(image !== undefined ? { image } : {}), ...(flavour !== undefined ? { flavour } : {}),
    }));
    printPlanWarnings(plan);
    if (f.user !== undefined) process.stderr.write(`skyrun: warning: -u ${f.user}: skyrun runs jobs as the account your credentials name; there are no VM accounts to choose\n`);
    if (f.dryRun) return printPlan(plan, format);
    await withClient(f, async (client) => {
      const result = await submitPlan(client, plan, interruptSignal(), f.verbose ? (c) => process.stderr.write(`skyrun: ${c.key}: created${c.setId !== undefined ? ` set ${c.setId}` : ""}: ${c.ids.join(" ")}\n`) : undefined);
      if (format !== "table") process.stdout.write(renderData(createdData(plan, result), format));
      else if (result.created.length > 0 || !result.failed) process.stdout.write(spec.summary(plan, result.created));
      process.exitCode = reportSubmissionFailure(plan, result);
    });
  });
}
