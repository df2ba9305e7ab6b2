import type { Command } from "commander";
import type { AccountingFiguresJson, AccountingReportJson, JobHistoryJson, QuotaReportJson } from "../../client/index.js";
import { withClient, withConnectionOptions, type ConnectionFlags } from "../client-command.js";
import { renderData, renderTable, UsageError } from "../output.js";

interface RangeFlags extends ConnectionFlags {
  from?: string;
  to?: string;
  user?: string;
  output: string;
}

interface ReportFlags extends RangeFlags {
  by?: string;
  period?: string;
}

type ExportFormat = "table" | "csv" | "json" | "yaml";

function exportFormat(value: string): ExportFormat {
  const v = value.toLowerCase();
  if (v === "table" || v === "csv" || v === "json" || v === "yaml") return v;
  throw new UsageError(`-o ${value}: allowed: table, csv, json, yaml`);
}

function withRange(command: Command): Command {
  return withConnectionOptions(command)
    .option("--from <day>", "first day, YYYY-MM-DD (default: the first of this month)")
    .option("--to <day>", "last day, inclusive (default: today)")
    .option("--user <name>", "administrators: only this user's jobs")
    .option("-o, --output <format>", "table, csv, json or yaml", "table");
}

const num = (x: number, digits = 2): string => (Number.isInteger(x) ? String(x) : x.toFixed(digits));
const efficiency = (x: number | null): string => (x === null ? "-" : `${Math.round(x * 100)}%`);
const figures = (f: AccountingFiguresJson): string[] => [String(f.jobs), num(f.coreHours), num(f.gpuHours), num(f.ramGBHours), num(f.wallHours), efficiency(f.cpuEfficiency), String(f.failures)];
const FIGURE_HEADER = ["JOBS", "CORE-HOURS", "GPU-HOURS", "RAM-GB-HOURS", "WALL-HOURS", "CPU-EFF", "FAILURES"];

function reportTable(r: AccountingReportJson): string {
  const header = [r.by.toUpperCase(), r.period === "all" ? "FROM" : r.period.toUpperCase(), ...FIGURE_HEADER];
  const rows = r.rows.map((row) => [row.key ?? "(none)", row.period, ...figures(row)]);
  rows.push(["TOTAL", `${r.from}..${r.to}`, ...figures(r.totals)]);
  return renderTable(header, rows) + `core-years: ${r.totals.coreYears.toFixed(4)}\n`;
}

const short = (iso: string | null): string => (iso === null ? "-" : iso.replace("T", " ").replace(/\.\d+Z$|Z$/, ""));

function jobsTable(jobs: readonly JobHistoryJson[]): string {
  return renderTable(
    ["OWNER", "CLUSTER.PROC", "SESSION ID", "NAME", "SUBMITTED", "COMPLETED", "WALL-S", "CPUS", "RAM-GB", "EXIT", "ATTEMPTS", "STATUS"],
    jobs.map((j) => [j.owner, `${j.clusterId}.${j.procId}`, j.id, j.name, short(j.queueDate), short(j.completionDate), num(j.slotTimeSeconds, 0), num(j.requestCpus), num(j.requestMemoryGB), j.exitCode === null ? "-" : String(j.exitCode), String(j.attempts), j.status]),
  );
}

function quotaTable(q: QuotaReportJson): string {
  if (q.quotas.length === 0) return `no quotas configured for ${q.month}\n`;
  return renderTable(["KIND", "NAME", "MONTH", "CORE-HOURS", "QUOTA", "USED"], q.quotas.map((x) => [x.kind, x.name, q.month, num(x.coreHours), num(x.coreHoursPerMonth), x.fraction === null ? "-" : `${Math.round(x.fraction * 100)}%${x.over ? " OVER" : ""}`]));
}

/**
 * `skyrun accounting`: usage of ended sessions summed by user, group, project, image or
 * label per day, week or month; `jobs` the per-job history; `quotas` usage against
 * quotas. Tables for people, CSV/JSON for scripts, always on stdout.
 */
export function registerAccountingCommand(program: Command): void {
  const accounting = withRange(program.command("accounting")
    .description("usage of your ended sessions (administrators: everyone's), summed by user, group, project, image or label")
    .option("--by <what>", "user, group, project, image or label:<key>", "user")
    .option("--period <period>", "day, week, month or all", "month"))
    // `accounting jobs --from …`: the flags after `jobs` are the subcommand's, not this command's.
    .enablePositionalOptions();
  accounting.action(async (f: ReportFlags) => {
    const format = exportFormat(f.output);
    const q = { from: f.from, to: f.to, by: f.by, period: f.period, user: f.user };
    await withClient(f, async (client) => {
      if (format === "csv") return void process.stdout.write(await client.accountingCsv(q));
      const report = await client.accounting(q);
      process.stdout.write(format === "table" ? reportTable(report) : renderData(report, format));
    });
  });

  withRange(accounting.command("jobs").description("one line per ended session: the legacy condor_history fields (owner, cluster.proc, dates, slot time, requests, exit code, attempts)"))
    .action(async (f: RangeFlags) => {
      const format = exportFormat(f.output);
      const q = { from: f.from, to: f.to, user: f.user };
      await withClient(f, async (client) => {
        if (format === "csv") return void process.stdout.write(await client.jobHistoryCsv(q));
        const jobs = await client.jobHistory(q);
        process.stdout.write(format === "table" ? jobsTable(jobs) : renderData(jobs, format));
      });
    });

  withConnectionOptions(accounting.command("quotas").description("each configured group or project quota (core-hours per month) against what it used")
    .option("--month <YYYY-MM>", "the month (default: this one)")
    .option("-o, --output <format>", "table, json or yaml", "table"))
    .action(async (f: ConnectionFlags & { month?: string; output: string }) => {
      const format = exportFormat(f.output);
      if (format === "csv") throw new UsageError("-o csv: quotas are table, json or yaml");
      const q = await withClient(f, (client) => client.quotas(f.month));
      process.stdout.write(format === "table" ? quotaTable(q) : renderData(q, format));
    });
}
