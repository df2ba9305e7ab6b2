import type { Command } from "commander";
import { runBulk, type PlatformStatsJson, type SessionStatsJson } from "../../client/index.js";
import { outputFormat, withClient, withConnectionOptions, withOutputOption, type ConnectionFlags, type OutputFlags } from "../client-command.js";
import { reportItemFailures } from "../client-error-report.js";
import { renderData, renderTable } from "../output.js";

type StatsFlags = ConnectionFlags & OutputFlags;

const show = (v: number | string | undefined): string => (v === undefined ? "-" : String(v));

function platformTable(s: PlatformStatsJson): string {
  const c = s.cores ?? {};
  const r = s.ram ?? {};
  let out = renderTable(["RESOURCE", "REQUESTED", "AVAILABLE", "LARGEST SESSION"], [
    ["cores", show(c.requestedCPUCores), show(c.cpuCoresAvailable), c.maxCPUCores ? `${show(c.maxCPUCores.cpuCores)} cores with ${show(c.maxCPUCores.withRam)}` : "-"],
    ["ram", show(r.requestedRAM), show(r.ramAvailable), r.maxRAM ? `${show(r.maxRAM.ram)} with ${show(r.maxRAM.withCPUCores)} cores` : "-"],
  ]);
  if (s.jobs) out += `\nsessions: ${Object.entries(s.jobs).map(([k, v]) => `${k} ${v}`).join(", ")}\n`;
  else if (s.instances) out += `\nrunning: ${Object.entries(s.instances).map(([k, v]) => `${k} ${v}`).join(", ")}\n`;
  return out;
}

const sessionRow = (s: SessionStatsJson): string[] => [
  s.id, s.status, `${s.cpuCoresInUse}`, `${s.requestedCPUCores}/${s.limitCPUCores}`, `${s.ramInUseGB}`, `${s.requestedRAMGB}/${s.limitRAMGB}`, String(s.requestedGPUs),
];

export function registerStatsCommand(program: Command): void {
  const command = program.command("stats")
    .description("the server's cores and RAM in use and available; with ids, each session's usage (skyrun)")
    .argument("[ids...]", "session ids");
  withOutputOption(withConnectionOptions(command)).action(async (ids: string[], f: StatsFlags) => {
    const format = outputFormat(f);
    await withClient(f, async (client) => {
      if (ids.length === 0) {
        const stats = await client.stats();
        process.stdout.write(format === "table" ? platformTable(stats) : renderData(stats, format));
        return;
      }
      const each = await runBulk(ids, (id) => client.sessionStats(id));
      const exit = reportItemFailures(each.failed);
      const rows = each.succeeded.map((x) => x.value);
      if (format !== "table") process.stdout.write(renderData(rows, format));
      else process.stdout.write(renderTable(["SESSION ID", "STATUS", "CPU USED", "CPU REQ/LIMIT", "RAM USED GB", "RAM REQ/LIMIT GB", "GPUS"], rows.map(sessionRow)));
      process.exitCode = exit;
    });
  });
}
