import type { EngineNode } from "../../domain/resources.js";

/** The `sinfo --Node --Format` that `parseNodeCapacity` reads: one node per line, `|`-separated. */
export const SINFO_FORMAT = "NodeList:|,CPUsState:|,Memory:|,AllocMem:|,StateLong:|";


/** Cluster capacity in the units of the stats view: cores and GiB; and every node listed, usable or not. */
export interface ClusterCapacity {
  readonly cores: number;
  readonly ramGB: number;
  readonly coresAllocated: number;
  readonly ramAllocatedGB: number;
  readonly nodes: readonly EngineNode[];
}

/** Node states that offer nothing to new jobs. A trailing `*` means the node does not respond. */
const UNUSABLE = /^(down|drain|drained|draining|fail|failing|inval|unknown|future|maint|power|reboot|not_responding)|\*$/i;

const mib = (s: string | undefined): number => {
  const n = Number(s);
  return Number.isFinite(n) && n > 0 ? n : 0;
};

/**
 * Sums what usable nodes offer and what is allocated on them. A node listed in
 * several partitions counts once. CPUsState is `allocated/idle/other/total`.
 */
export function parseNodeCapacity(output: string): ClusterCapacity {
  const seen = new Set<string>();
  let cores = 0;
  let ramMiB = 0;
  let coresAllocated = 0;
  let ramAllocatedMiB = 0;
  const gib = (m: number) => Math.round((m / 1024) * 1000) / 1000;
  const nodes: EngineNode[] = [];
  for (const line of output.split("\n")) {
    const [node, cpus, memory, allocMem, state] = line.trim().split("|");
    if (!node || !cpus || seen.has(node)) continue;
    seen.add(node);
    const [allocated, , , total] = cpus.split("/").map(Number);
    nodes.push({ name: node.trim(), state: (state ?? "").trim(), cpus: Number.isFinite(total) ? total! : 0, cpusAllocated: Number.isFinite(allocated) ? allocated! : 0, memoryGB: gib(mib(memory)), memoryAllocatedGB: gib(mib(allocMem)) });
    if (UNUSABLE.test((state ?? "").trim())) continue;
    cores += Number.isFinite(total) ? total! : 0;
    coresAllocated += Number.isFinite(allocated) ? allocated! : 0;
    ramMiB += mib(memory);
    ramAllocatedMiB += mib(allocMem);
  }
  return { cores, ramGB: gib(ramMiB), coresAllocated, ramAllocatedGB: gib(ramAllocatedMiB), nodes };
}
