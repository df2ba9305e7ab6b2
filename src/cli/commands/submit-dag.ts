import type { Command } from "commander";
import { DAG_LABELS, translateDagFile } from "../../batch-files/dagman/dag-translator.js";
import { localSubmitHost } from "../local-submit-host.js";
import { registerHtcondorCommand } from "../htcondor-command.js";

/** `skyrun submit-dag FILE [VM_IMAGE] [VM_FLAVOR]`: a DAGMan workflow as sessions that wait for their parents. */
export function registerSubmitDagCommand(program: Command): void {
  registerHtcondorCommand(program, {
    name: "submit-dag",
    description: "submit a DAGMan file as sessions that wait for their parents: skyrun submit-dag [OPTIONS] FILE [VM_IMAGE] [VM_FLAVOR]",
    fileArgument: "FILE",
    translate: (i) => translateDagFile({ text: i.text, name: i.name, path: i.path }, {
      host: localSubmitHost(), submitDir: i.submitDir, arc: { localRoot: i.arcRoot }, dagNumber: i.number, flavours: i.flavours,
      ...(i.image !== undefined ? { image: i.image } : {}), ...(i.flavour !== undefined ? { flavour: i.flavour } : {}),
    }),
    summary: (plan, created) => {
      const jobs = created.reduce((n, c) => n + c.ids.length, 0);
      return `Submitting job(s).\n${jobs} job(s) in ${created.length} node(s) submitted to cluster ${plan.jobNumber}.\n`
        + `The DAG's sessions carry the label ${DAG_LABELS.id}=${plan.jobNumber}; follow them with skyrun ps.\n`;
    },
  });
}
