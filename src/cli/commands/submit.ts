import type { Command } from "commander";
import { translateSubmitFile } from "../../batch-files/htcondor/submit-translator.js";
import { localSubmitHost } from "../local-submit-host.js";
import { registerHtcondorCommand } from "../htcondor-command.js";

/** `skyrun submit JOB_FILE [VM_IMAGE] [VM_FLAVOR]`: canfar_submit for an HTCondor submit file. */
export function registerSubmitCommand(program: Command): void {
  registerHtcondorCommand(program, {
    name: "submit",
    description: "submit an HTCondor submit file as sessions, as canfar_submit did: skyrun submit [OPTIONS] JOB_FILE [VM_IMAGE] [VM_FLAVOR]",
    fileArgument: "JOB_FILE",
    translate: (i) => translateSubmitFile({ text: i.text, name: i.name, path: i.path }, {
      host: localSubmitHost(), submitDir: i.submitDir, arc: { localRoot: i.arcRoot }, clusterNumber: i.number, flavours: i.flavours,
      ...(i.image !== undefined ? { image: i.image } : {}), ...(i.flavour !== undefined ? { flavour: i.flavour } : {}),
    }),
    // condor_submit's own words.
    summary: (_plan, created) => `Submitting job(s).\n${created.map((c) => `${c.ids.length} job(s) submitted to cluster ${c.key}.\n`).join("")}`,
  });
}
