import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountingReportJson, JobHistoryPageJson, QuotaReportJson } from "../../../src/contracts/accounting.js";
import type { BatchJson } from "../../../src/contracts/batch.js";
import { runCli, type CliResult } from "../../support/cli-runner.js";
import { request, waitForStatus, waitUntil } from "../../support/http.js";
import { DEMO_IMAGE } from "../../support/paths.js";
import { startTestServer, type TestServer, type TestUser } from "../../support/test-server.js";

// Issue 12 items 8 and 9: accounting of ended sessions (API and CLI) and the batch view of
// `skyrun ps`, against real Podman sessions. Users see only their own jobs.

let t: TestServer;
let alice: TestUser;
let bob: TestUser;
let admin: TestUser;
let sweep: string[];
let bobs: string;
const today = new Date().toISOString().slice(0, 10);

const v1 = () => t.base("v1");
async function create(user: TestUser, form: Record<string, string>): Promise<string[]> {
  const r = await request("POST", `${v1()}/session`, { token: user.token, form: { image: DEMO_IMAGE, cores: "1", ram: "1", ...form } });
  expect(r.status, r.text).toBe(200);
  return r.text.trim().split("\n");
}
const report = async (user: TestUser, query: string) => {
  const r = await request("GET", `${v1()}/accounting?${query}`, { token: user.token });
  expect(r.status, r.text).toBe(200);
  return r.json<AccountingReportJson>();
};
const history = async (user: TestUser, query = "") => (await request("GET", `${v1()}/accounting/jobs?from=${today}${query}`, { token: user.token })).json<JobHistoryPageJson>();
const cli = (user: TestUser, ...args: string[]): Promise<CliResult> => runCli(args, { env: { SKYRUN_URL: t.url, SKYRUN_TOKEN: user.token } });

beforeAll(async () => {
  t = await startTestServer({
    overrides: {
      auth: { adminGroup: "skyrun-admins" },
      accounting: { quotas: { groups: { astro: { coreHoursPerMonth: 100 } } } },
    },
  });
  alice = await t.addUser("alice", { uid: 20801, groups: ["astro:40801"] });
  bob = await t.addUser("bob", { uid: 20802 });
  admin = await t.addUser("root", { uid: 20803, groups: ["skyrun-admins:40803"] });
  // Alice: a set of three (the second fails), labelled; bob: one session of his own.
  sweep = await create(alice, { name: "sweep", replicas: "3", label: "survey=m31", cmd: "sh", args: "-c 'sleep 1; test $REPLICA_ID != 2'" });
  [bobs] = (await create(bob, { name: "solo", cores: "2", cmd: "sh", args: "-c 'sleep 1'" })) as [string];
  for (const id of sweep) await waitForStatus(v1(), alice.token, id, ["Completed", "Failed"], 120_000);
  await waitForStatus(v1(), bob.token, bobs, ["Completed"], 120_000);
  await waitUntil("the history of all four", async () => ((await history(admin)).jobs.length >= 4 ? true : undefined), 60_000);
});
afterAll(async () => { await t.close(); });

describe("accounting (issue 12)", () => {
  it("sums a user's own jobs by user with hours, failures and totals, and never another user's", async () => {
    const r = await report(alice, `from=${today}&to=${today}&by=user&period=day`);
    expect(r).toMatchObject({ from: today, to: today, by: "user", period: "day", user: "alice" });
    expect(r.rows).toEqual([expect.objectContaining({ key: "alice", period: today, jobs: 3, failures: 1 })]);
    const row = r.rows[0]!;
    // One core each, at least a second of wall time each: the report's hours agree with each other.
    expect(row.wallHours).toBeGreaterThanOrEqual(3 / 3600);
    expect(row.coreHours).toBeCloseTo(row.wallHours, 5);
    expect(row.ramGBHours).toBeCloseTo(row.wallHours, 5);
    expect(row.gpuHours).toBe(0);
    // CPU efficiency comes from the jobs' sampled CPU time, or is null (unknown) when none was sampled.
    const jobs = (await history(alice)).jobs;
    const sampled = jobs.filter((j) => j.cpuSeconds !== null);
    if (sampled.length === 0) expect(row.cpuEfficiency).toBeNull();
    else expect(row.cpuEfficiency).toBeGreaterThan(0);
    expect(r.totals).toMatchObject({ jobs: 3, failures: 1 });
    expect(r.totals.coreYears).toBeCloseTo(row.coreHours / 8766, 6);
    expect(jobs.map((j) => j.owner)).toEqual(["alice", "alice", "alice"]);
  });

  it("refuses a user another user's accounting, and gives an administrator everyone's or one user's", async () => {
    const cross = await request("GET", `${v1()}/accounting?user=bob`, { token: alice.token });
    expect(cross.status).toBe(403);
    expect((await request("GET", `${v1()}/accounting/jobs?user=bob`, { token: alice.token })).status).toBe(403);
    const all = await report(admin, `from=${today}`);
    expect(all.user).toBe("*");
    expect(Object.fromEntries(all.rows.map((r) => [r.key, r.jobs]))).toEqual({ alice: 3, bob: 1 });
    const bobOnly = await report(admin, `from=${today}&user=bob`);
    expect(bobOnly.rows).toEqual([expect.objectContaining({ key: "bob", jobs: 1, failures: 0 })]);
    expect(bobOnly.rows[0]!.coreHours).toBeCloseTo(bobOnly.rows[0]!.wallHours * 2, 5);
  });

  it("sums by label, group and image, per week and month", async () => {
    const byLabel = await report(alice, `from=${today}&by=label:survey&period=all`);
    expect(byLabel.rows).toEqual([expect.objectContaining({ key: "m31", jobs: 3, failures: 1 })]);
    const byGroup = await report(alice, `from=${today}&by=group`);
    expect(byGroup.rows.map((r) => [r.key, r.jobs])).toEqual([["astro", 3]]);
    const byImage = await report(admin, `from=${today}&by=image`);
    expect(byImage.rows.map((r) => [r.key, r.jobs])).toEqual([[DEMO_IMAGE, 4]]);
    const week = await report(alice, `from=${today}&period=week`);
    const monday = new Date(`${today}T00:00:00Z`);
    monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
    expect(week.rows[0]!.period).toBe(monday.toISOString().slice(0, 10));
    expect((await report(alice, `from=${today}&period=month`)).rows[0]!.period).toBe(`${today.slice(0, 7)}-01`);
  });

  it("answers a clear 400 naming the parameter for bad input", async () => {
    for (const [query, parameter] of [["by=colour", "by"], ["period=fortnight", "period"], ["from=yesterday", "from"], ["from=2026-02-01&to=2026-01-01", "to"], ["form=2026-01-01", "form"], ["format=xml", "format"]] as const) {
      const r = await request("GET", `${v1()}/accounting?${query}`, { token: alice.token });
      expect(r.status, query).toBe(400);
      expect(r.text, query).toContain(`'${parameter}'`);
    }
    expect((await request("GET", `${v1()}/accounting/jobs?limit=0`, { token: alice.token })).status).toBe(400);
  });

  it("lists each ended job with the legacy condor_history fields, as JSON and CSV", async () => {
    const jobs = (await history(alice)).jobs;
    expect(jobs.map((j) => j.id).sort()).toEqual([...sweep].sort());
    const byId = new Map(jobs.map((j) => [j.id, j]));
    const first = byId.get(sweep[0]!)!;
    const failed = byId.get(sweep[1]!)!;
    expect(first).toMatchObject({ owner: "alice", procId: 0, requestCpus: 1, requestMemoryGB: 1, requestDiskGB: 0, exitCode: 0, attempts: 1, status: "Completed", setId: expect.any(String), labels: { survey: "m31" }, groups: ["astro"] });
    expect(failed).toMatchObject({ procId: 1, exitCode: 1, status: "Failed", clusterId: first.clusterId });
    expect(Date.parse(first.queueDate)).toBeLessThanOrEqual(Date.parse(first.startDate!));
    expect(Date.parse(first.startDate!)).toBeLessThan(Date.parse(first.completionDate));
    expect(first.slotTimeSeconds).toBeGreaterThanOrEqual(1);
    const csv = await request("GET", `${v1()}/accounting/jobs?from=${today}&format=csv`, { token: alice.token });
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split("\n");
    expect(lines[0]!.split(",").slice(0, 17)).toEqual(["owner", "cluster_id", "proc_id", "job_id", "name", "image", "queue_date", "start_date", "completion_date", "slot_time_seconds", "request_cpus", "request_memory_gb", "request_disk_gb", "request_gpus", "memory_used_gb", "exit_code", "attempts"]);
    expect(lines).toHaveLength(4);
    expect(csv.text).not.toContain(bobs);
    // Pages follow one another without repeats.
    const one = await history(alice, "&limit=2");
    expect(one.jobs).toHaveLength(2);
    const two = await history(alice, `&limit=2&cursor=${encodeURIComponent(one.nextCursor!)}`);
    expect([...one.jobs, ...two.jobs].map((j) => j.id).sort()).toEqual([...sweep].sort());
  });

  it("reports a group's month against its configured quota, only to its members", async () => {
    const q = (await request("GET", `${v1()}/accounting/quotas`, { token: alice.token })).json<QuotaReportJson>();
    expect(q.quotas).toEqual([expect.objectContaining({ kind: "group", name: "astro", coreHoursPerMonth: 100, over: false })]);
    expect(q.quotas[0]!.coreHours).toBeGreaterThan(0);
    expect((await request("GET", `${v1()}/accounting/quotas`, { token: bob.token })).json<QuotaReportJson>().quotas).toEqual([]);
  });

  it("skyrun accounting prints a table for people and CSV or JSON for scripts, data on stdout only", async () => {
    const table = await cli(alice, "accounting", "--from", today, "--by", "label:survey");
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^LABEL:SURVEY\s+MONTH\s+JOBS\s+CORE-HOURS/);
    expect(table.stdout).toMatch(/\nm31\s+\d{4}-\d{2}-01\s+3\s/);
    expect(table.stdout).toMatch(/\nTOTAL\s+.*\s3\s/);
    const csv = await cli(alice, "accounting", "--from", today, "-o", "csv");
    expect(csv.stdout.split(/\r?\n/)[0]).toBe("key,period,jobs,core_hours,gpu_hours,ram_gb_hours,wall_hours,cpu_efficiency,failures");
    const json = JSON.parse((await cli(alice, "accounting", "--from", today, "--period", "day", "-o", "json")).stdout) as AccountingReportJson;
    expect(json.rows).toEqual([expect.objectContaining({ key: "alice", jobs: 3 })]);
    const jobs = await cli(alice, "accounting", "jobs", "--from", today);
    expect(jobs.code, jobs.stderr).toBe(0);
    expect(jobs.stdout.trim().split("\n")).toHaveLength(4);
    expect(jobs.stdout).toMatch(/^OWNER\s+CLUSTER\.PROC/);
    const jobsCsv = await cli(alice, "accounting", "jobs", "--from", today, "-o", "csv");
    expect(jobsCsv.stdout.slice(0, 25), jobsCsv.stderr).toBe("owner,cluster_id,proc_id,");
    const refused = await cli(alice, "accounting", "--user", "bob");
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(/^skyrun: /);
  });
});

describe("skyrun ps --batch (issue 12)", () => {
  it("shows a set and a DAG joined by dependsOn as one line each with DONE/RUN/IDLE/HOLD/TOTAL, and the same as JSON", async () => {
    const [first] = await create(alice, { name: "prep", cmd: "sh", args: "-c 'sleep 600'" });
    const [second] = await create(alice, { name: "fit", dependsOn: first!, cmd: "true" });
    await waitForStatus(v1(), alice.token, first!, ["Running"]);
    const json = JSON.parse((await cli(alice, "ps", "--batch", "-a", "-o", "json")).stdout) as BatchJson[];
    const dag = json.find((b) => b.kind === "dag");
    expect(dag).toMatchObject({ name: "prep", owner: "alice", done: 0, run: 1, idle: 0, hold: 1, total: 2 });
    expect(json.find((b) => b.kind === "set")).toMatchObject({ name: "sweep", done: 3, failed: 1, run: 0, total: 3 });
    // Without -a only batches with something still to do.
    const active = await cli(alice, "ps", "--batch");
    expect(active.code, active.stderr).toBe(0);
    expect(active.stdout).toMatch(/^OWNER\s+BATCH NAME\s+SUBMITTED\s+DONE\s+RUN\s+IDLE\s+HOLD\s+TOTAL/);
    expect(active.stdout).toMatch(/\nalice\s+prep\s+.*\s_\s+1\s+_\s+1\s+2\s/);
    expect(active.stdout).not.toContain("sweep");
    const byLabel = JSON.parse((await cli(alice, "ps", "--by", "label:survey", "-a", "-o", "json")).stdout) as BatchJson[];
    expect(byLabel.find((b) => b.kind === "label")).toMatchObject({ name: "survey=m31", total: 3 });
    // Bob's view has none of alice's batches.
    expect(JSON.parse((await cli(bob, "ps", "--batch", "-a", "-o", "json")).stdout)).toEqual([expect.objectContaining({ owner: "bob", total: 1 })]);
    await request("DELETE", `${v1()}/session/${first}`, { token: alice.token });
    await waitForStatus(v1(), alice.token, second!, ["Failed"]);
  });
});
