import type { Command } from "commander";
import { checkSetting, readSettingsFile, SETTINGS_KEYS, settingsPath, writeSettingsFile, type ClientSettings, type SettingsKey } from "../../client/index.js";
import { loadSettings, outputFormat, withOutputOption, type OutputFlags } from "../client-command.js";
import { renderData, renderTable } from "../output.js";
import { readStdin } from "../secret-input.js";
import { resolve } from "node:path";
import { cliEnvironment } from "../cli-environment.js";

/** Never print a secret: show that a token is there and its last characters. */
const mask = (key: SettingsKey, value: string | undefined): string | undefined =>
  value === undefined ? undefined : key === "token" ? `****${value.slice(-4)}` : value;

function show(o: OutputFlags): void {
  const format = outputFormat(o);
  const { settings, sources, path } = loadSettings({});
  const rows = SETTINGS_KEYS.map((key) => ({ key, value: mask(key, settings[key]) ?? null, source: sources[key] ?? null }));
  if (format !== "table") return void process.stdout.write(renderData({ file: path, settings: rows }, format));
  process.stdout.write(renderTable(["KEY", "VALUE", "SOURCE"], rows.map((r) => [r.key, r.value ?? "-", r.source ?? "-"])));
  process.stderr.write(`settings file: ${path}\n`);
}

export function registerConfigCommand(program: Command): void {
  const config = program.command("config").description("show or change the saved client settings (url, token, cert, ca, apiVersion)");
  withOutputOption(config).action((o: OutputFlags) => show(o));
  // Commander hands `config show -o json`'s -o to `config`, which declares it too: take either.
  withOutputOption(config.command("show").description("settings in effect and where each comes from (file, env, flag); the token is masked"))
    .action((o: OutputFlags) => show({ output: o.output !== "table" ? o.output : config.opts<OutputFlags>().output }));
  config.command("path").description("print the settings file's path").action(() => {
    process.stdout.write(`${settingsPath(cliEnvironment())}\n`);
  });
  config.command("set <key> <value>")
    .description("save one setting; value '-' reads it from stdin (for the token)")
    .action(async (key: string, value: string) => {
      const path = settingsPath(cliEnvironment());
      const raw = value === "-" ? await readStdin() : value;
      let change: ClientSettings = checkSetting(key, raw);
      if (key === "cert" || key === "ca") change = { [key]: resolve(raw) };
      writeSettingsFile(path, { ...readSettingsFile(path), ...change });
      process.stderr.write(`saved ${key} in ${path}\n`);
    });
  config.command("unset <key>").description("remove one setting").action((key: string) => {
    const path = settingsPath(cliEnvironment());
    checkSetting(key, "x");
    const current = readSettingsFile(path);
    writeSettingsFile(path, Object.fromEntries(Object.entries(current).filter(([k]) => k !== key)));
    process.stderr.write(`removed ${key} from ${path}\n`);
  });
}
