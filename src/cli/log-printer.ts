import type { SkyrunClient } from "../client/index.js";

/** A followed session and the label its lines get when several are followed at once. */
export interface FollowTarget {
  readonly id: string;
  readonly label: string;
}

/**
 * Follows the logs of one or more sessions to `out` until each ends. One session's
 * output is copied byte for byte; with several, each complete line is prefixed with
 * `[label] ` so interleaved output stays attributable (a partial line waits for its end).
 * Resolves with the sessions whose follow failed, and why.
 */
export async function followToStream(client: SkyrunClient, targets: readonly FollowTarget[], out: NodeJS.WritableStream, signal: AbortSignal, tail?: number): Promise<{ id: string; error: unknown }[]> {
  const prefixed = targets.length > 1;
  const failures: { id: string; error: unknown }[] = [];
  await Promise.all(targets.map(async (t) => {
    let pending = "";
    try {
      for await (const chunk of client.followLogs(t.id, { signal, tail })) {
        if (!prefixed) {
          out.write(chunk);
          continue;
        }
        const text = pending + chunk;
        const end = text.lastIndexOf("\n");
        pending = text.slice(end + 1);
        if (end >= 0) out.write(text.slice(0, end + 1).split("\n").slice(0, -1).map((l) => `[${t.label}] ${l}\n`).join(""));
      }
      if (prefixed && pending !== "") out.write(`[${t.label}] ${pending}\n`);
    } catch (error) {
      failures.push({ id: t.id, error });
    }
  }));
  return failures;
}
