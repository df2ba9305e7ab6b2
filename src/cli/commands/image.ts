import type { Command } from "commander";
import { outputFormat, withClient, withConnectionOptions, withOutputOption, type ConnectionFlags, type OutputFlags } from "../client-command.js";
import { renderData, renderTable } from "../output.js";

interface ImageFlags extends ConnectionFlags, OutputFlags {
  kind?: string;
}

export function registerImageCommand(program: Command): void {
  const image = program.command("image").description("container images the server offers");
  const ls = image.command("ls").alias("list")
    .description("list images (IMAGE, TYPES, DIGEST)")
    .option("-k, --kind <kind>", "only images for this session type, e.g. headless");
  withOutputOption(withConnectionOptions(ls)).action(async (f: ImageFlags) => {
    const format = outputFormat(f);
    const images = await withClient(f, (client) => client.images(f.kind));
    if (format !== "table") return void process.stdout.write(renderData(images, format));
    process.stdout.write(renderTable(["IMAGE", "TYPES", "DIGEST"], images.map((i) => [i.id, i.types.join(","), i.digest.replace(/^sha256:/, "").slice(0, 12)])));
  });
}
