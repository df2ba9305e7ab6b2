import { describe, expect, it } from "vitest";
import { memoryHost } from "../../../test/support/memory-submit-host.js";
import { BatchFileError } from "../batch-file-error.js";
import { translateDagFile } from "./dag-translator.js";

const dir = "/arc/home/alice/dag";
const IMAGE = "images.canfar.net/skaha/astroml:latest";
const JOB_SUB = `# one submit file for every node
executable   = /arc/home/alice/bin/step.sh
arguments    = "$(stage) '$(JOB_LABEL)'"
output       = $(stage).out
error        = $(stage).err
log          = diamond.log
queue
`;

function translate(dag: string, files: Record<string, string> = {}) {
  const host = memoryHost({ [`${dir}/diamond.dag`]: dag, [`${dir}/job.sub`]: JOB_SUB, ...files });
  return translateDagFile({ text: dag, name: "diamond.dag", path: `${dir}/diamond.dag` }, { host, submitDir: dir, arc: { localRoot: "/arc" }, dagNumber: 500, image: IMAGE });
}

function refusal(dag: string, files: Record<string, string> = {}): string {
  try {
    translate(dag, files);
  } catch (e) {
    if (e instanceof BatchFileError) return e.report;
    throw e;
  }
  return "translated without a refusal";
}

describe("a diamond DAG", () => {
  const plan = translate(`# File name: diamond.dag
JOB  A  job.sub
JOB  B  job.sub
Job  C  job.sub
JOB  D  job.sub
VARS A stage="a" JOB_LABEL="$(JOB) first"
VARS B stage="b"
VARS C stage="c"
vars D stage="d" JOB_LABEL="say \\"\\"done\\"\\""
PARENT A CHILD B C
PARENT B C CHILD D
RETRY  C 3
`);

  it("becomes one set per node, parents first, each after its parents", () => {
    expect(plan.kind).toBe("dagman");
    expect(plan.jobNumber).toBe(500);
    expect(plan.sets.map((s) => [s.key, s.after ?? []])).toEqual([["A", []], ["B", ["A"]], ["C", ["A"]], ["D", ["B", "C"]]]);
  });

  it("names each node's session after the node and labels it with the DAG, its submission and the node", () => {
    expect(plan.sets.map((s) => s.sessions[0]!.name)).toEqual(["a", "b", "c", "d"]);
    expect(plan.sets[3]!.sessions[0]!.labels).toEqual({ dag: "diamond", "dag.id": "500", "dag.node": "D", "htcondor.cluster": "504" });
  });

  it("passes VARS to the node's submit file, $(JOB) being the node's name, and RETRY as retries", () => {
    expect(plan.sets.map((s) => s.sessions[0]!.args)).toEqual([["a", "A first"], ["b", ""], ["c", ""], ["d", 'say "done"']]);
    expect(plan.sets[0]!.sessions[0]!.stdout).toBe(`${dir}/a.out`);
    expect(plan.sets[2]!.sessions[0]!.retries).toBe(3);
    expect(plan.sets[1]!.sessions[0]!.retries).toBeUndefined();
  });
});

describe("DAG features", () => {
  it("skips NOOP and DONE nodes: children of a NOOP node wait for its parents, of a DONE node for nothing", () => {
    const plan = translate("JOB A job.sub\nJOB B job.sub NOOP\nJOB C job.sub\nJOB Z job.sub DONE\nJOB E job.sub\nPARENT A CHILD B\nPARENT B CHILD C\nPARENT Z CHILD E\n");
    expect(plan.sets.map((s) => [s.key, s.after ?? []])).toEqual([["A", []], ["C", ["A"]], ["E", []]]);
  });

  it("reads inline descriptions, SUBMIT-DESCRIPTION, ALL_NODES, DIR, INCLUDE and CATEGORY limits", () => {
    const plan = translate(`SUBMIT-DESCRIPTION Fit {
  executable = /usr/bin/python3
  arguments  = fit.py $(band)
}
JOB  prep  {
  executable = /bin/mkdir
  arguments  = -p results
}
JOB fit-g Fit
JOB fit-r Fit DIR sub
INCLUDE more.dag
VARS ALL_NODES band="$(JOB)"
CATEGORY fit-g fits
CATEGORY fit-r fits
MAXJOBS fits 1
PARENT prep CHILD fit-g fit-r
`, { [`${dir}/more.dag`]: "JOB merge job.sub\nPARENT fit-g fit-r CHILD merge\nVARS merge stage=\"merge\"\n" });
    expect(plan.sets.map((s) => [s.key, s.sessions[0]!.cmd, s.sessions[0]!.args, s.sessions[0]!.workdir])).toEqual([
      ["prep", ["/bin/mkdir"], ["-p", "results"], dir],
      ["fit-g", ["/usr/bin/python3"], ["fit.py", "fit-g"], dir],
      ["fit-r", ["/usr/bin/python3"], ["fit.py", "fit-r"], `${dir}/sub`],
      ["merge", ["/arc/home/alice/bin/step.sh"], ["merge", ""], dir],
    ]);
    expect(plan.sets[1]).toMatchObject({ maxRunning: 1, maxRunningLabel: "dag.category" });
    expect(plan.sets[1]!.sessions[0]!.labels).toMatchObject({ "dag.category": "500.fits" });
    expect(plan.sets[3]!.after).toEqual(["fit-g", "fit-r"]);
  });

  it("notes what it can only approximate: UNLESS-EXIT, ABORT-DAG-ON, ignored commands", () => {
    const plan = translate("JOB A job.sub\nJOB B job.sub\nPARENT A CHILD B\nRETRY A 2 UNLESS-EXIT 3\nABORT-DAG-ON A 7 RETURN 1\nDOT dag.dot\nPRIORITY B 10\n");
    expect(plan.warnings.filter((w) => w.file === "diamond.dag").map((w) => `${w.line}: ${w.message}`)).toEqual([
      "6: DOT: no dot file is written; see the DAG with skyrun ps",
      "7: PRIORITY: ignored: skyrun runs your jobs in its own queue order",
      "4: RETRY A … UNLESS-EXIT 3: skyrun retries every failed attempt, that exit code included",
      "5: ABORT-DAG-ON A 7: when A fails, the nodes after it never start, but other branches of the DAG run on (skyrun has no DAG-wide abort); stop them with skyrun delete",
    ]);
  });

  it.each([
    ["JOB A job.sub\nSCRIPT PRE A stage.sh", /diamond.dag:2: SCRIPT PRE A stage.sh: PRE and POST scripts run on the submitting machine/],
    ["JOB A job.sub\nPARENT A CHILD X", /diamond.dag:2: PARENT … X …: there is no node X/],
    ["JOB A job.sub\nJOB B job.sub\nPARENT A CHILD B\nPARENT B CHILD A", /the dependencies form a cycle among A, B/],
    ["JOB A missing.sub", /diamond.dag:1: JOB A missing.sub: the submit file \/arc\/home\/alice\/dag\/missing.sub does not exist/],
    ["JOB A job.sub\nABORT-DAG-ON A 0", /diamond.dag:2: ABORT-DAG-ON A 0: aborting the DAG when a node succeeds cannot be expressed/],
    ['JOB A job.sub\nVARS A x="$(RETRY)"', /diamond.dag:2: VARS A x="\$\(RETRY\)": \$\(RETRY\) changes with every attempt/],
    ["JOB A job.sub\nRETRY A 11", /diamond.dag:2: RETRY A 11: skyrun retries a session at most 10 times/],
    ["JOB A job.sub\nFINAL F job.sub", /diamond.dag:2: FINAL F job.sub: a FINAL node runs even when the DAG failed/],
    ["JOB A job.sub\nJOB A job.sub", /diamond.dag:2: JOB A job.sub: node A is defined twice/],
    ["JOB A {\n  executable = /bin/true\n  queue 3\n}", /diamond.dag:3: queue: an inline submit description queues exactly one job/],
    ["JOB A {\n  executable = /bin/true\n  universe = grid\n}", /diamond.dag:3: universe = grid: the grid universe/],
    ["JOB A job.sub\nVARS A x=unquoted", /diamond.dag:2: VARS A x=unquoted: VARS needs a node and name="value" pairs/],
    ["SUBDAG EXTERNAL inner inner.dag", /nested DAGs are not translated/],
  ])("refuses %s", (dag, message) => {
    expect(refusal(dag)).toMatch(message);
  });

  it("refuses in the node's submit file with that file's name and line", () => {
    expect(refusal("JOB A bad.sub\n", { [`${dir}/bad.sub`]: "executable = /bin/true\nRequirements = VMType =?= \"x\"\nqueue\n" })).toMatch(/^bad.sub:2: Requirements/);
  });
});
