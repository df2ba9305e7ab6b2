import type { Command } from "commander";
import type { ResourceOptionsJson } from "../../client/index.js";
import { outputFormat, withClient, withConnectionOptions, withOutputOption, type ConnectionFlags, type OutputFlags } from "../client-command.js";
import { renderData, renderTable } from "../output.js";

type ContextFlags = ConnectionFlags & OutputFlags;

const v = (n: number | undefined) => (n === undefined ? "-" : String(n));
const row = (name: string, o: ResourceOptionsJson | undefined): string[] =>
  [name, v(o?.default), v(o?.defaultRequest ?? o?.defaultHeadless), v(o?.defaultLimit), o && o.options.length > 0 ? o.options.join(",") : "-"];

export function registerContextCommand(program: Command): void {
  const command = program.command("context")
    .description("what a session may ask for here: cores, RAM (GB) and GPU options and defaults");
  withOutputOption(withConnectionOptions(command)).action(async (f: ContextFlags) => {
    const format = outputFormat(f);
    const ctx = await withClient(f, (client) => client.context());
    if (format !== "table") return void process.stdout.write(renderData(ctx, format));
    process.stdout.write(renderTable(["RESOURCE", "DEFAULT", "REQUEST", "LIMIT", "OPTIONS"], [
      row("cores", ctx.cores),
      row("ram (GB)", ctx.memoryGB),
      ["gpus", "-", "-", "-", ctx.gpus && ctx.gpus.options.length > 0 ? ctx.gpus.options.join(",") : "-"],
    ]));
  });
}
