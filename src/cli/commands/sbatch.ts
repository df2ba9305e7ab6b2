import type { Command } from "commander";
import { translateSbatchScript } from "../../batch-files/slurm/sbatch-translator.js";
import { CLI_VERSION, interruptSignal, withClient } from "../client-command.js";
import { printPlan, printPlanWarnings, translateOrExplain } from "../batch-plan-output.js";
import { newJobNumber, reportSubmissionFailure, submitPlan } from "../batch-submission.js";
import { arcRoot, createdData, readBatchFile } from "../htcondor-command.js";
import { localSubmitHost } from "../local-submit-host.js";
import { parseOutputFormat, renderData, UsageError } from "../output.js";
import { parseSbatchCommandLine } from "../sbatch-command-line.js";

const USAGE = `Usage: skyrun sbatch [OPTIONS] SCRIPT [IMAGE] [-- ARGS…]

Runs a Slurm batch script in a container image as sbatch would run it: the #SBATCH
directives (and the sbatch options given here, which win) become the sessions' cores,
memory, GPUs, deadline, array, dependencies, output files and environment.

skyrun's own options:
  --dry-run, --test-only   print the sessions that would be created, and create nothing
  --parsable               print only the job number
  -Q, --quiet              no warnings
  -v, --verbose            say what is created
  --format table|json|yaml output for people or machines (-o is sbatch's --output)
  --arc-mount DIR          where /arc is mounted here (default: SKYRUN_ARC_MOUNT, else /arc)
  --url URL, --cert PEM, --ca PEM, --api-version v0|v1
  -V, --version, -h, --help
`;

/** `skyrun sbatch SCRIPT [IMAGE]`: what the seed page's migration section does by hand. */
export function registerSbatchCommand(program: Command): void {
  program.command("sbatch")
    .description("run a Slurm batch script (#SBATCH directives) as sessions: skyrun sbatch [OPTIONS] SCRIPT [IMAGE] [-- ARGS…]")
    .argument("[words...]", "sbatch options, the script, the image, -- and the script's arguments")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (words: string[]) => {
      const line = parseSbatchCommandLine(words);
      if (line.help) return void process.stdout.write(USAGE);
      if (line.version) return void process.stdout.write(`skyrun sbatch (skyrun CLI ${CLI_VERSION})\n`);
      if (line.script === undefined) throw new UsageError("give the batch script: skyrun sbatch [OPTIONS] SCRIPT [IMAGE] [-- ARGS…]");
      const format = parseOutputFormat(line.format);
      const { text, path } = readBatchFile(line.script);
      const jobNumber = line.dryRun ? 1 : newJobNumber();
      const plan = translateOrExplain(() => translateSbatchScript({ text, name: line.script!, path }, {
        host: localSubmitHost(), submitDir: process.cwd(), arc: { localRoot: arcRoot(line.own["arc-mount"]) }, jobNumber,
        commandLine: line.sbatchOptions, scriptArgs: line.scriptArgs, ...(line.image !== undefined ? { image: line.image } : {}),
      }));
      if (!line.quiet) printPlanWarnings(plan);
      if (line.dryRun) return printPlan(plan, format);
      const flags = { ...(line.own.url !== undefined ? { url: line.own.url } : {}), ...(line.own.cert !== undefined ? { cert: line.own.cert } : {}), ...(line.own.ca !== undefined ? { ca: line.own.ca } : {}), ...(line.own["api-version"] !== undefined ? { apiVersion: line.own["api-version"] } : {}) };
      await withClient(flags, async (client) => {
        const result = await submitPlan(client, plan, interruptSignal(), line.verbose ? (c) => process.stderr.write(`skyrun: job ${c.key}: created${c.setId !== undefined ? ` set ${c.setId}` : ""}: ${c.ids.join(" ")}\n`) : undefined);
        if (format !== "table") process.stdout.write(renderData(createdData(plan, result), format));
        else if (!result.failed) process.stdout.write(line.parsable ? `${plan.jobNumber}\n` : `Submitted batch job ${plan.jobNumber}\n`);
        process.exitCode = reportSubmissionFailure(plan, result);
      });
    });
}
