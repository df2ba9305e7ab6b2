import { createInterface } from "node:readline/promises";

/**
 * Asks a yes/no question on the terminal. Only asks when stdin and stderr are a
 * terminal; a script (no terminal) gets `true`, so `skyrun ps -q | xargs skyrun rm`
 * works. Anything but y/yes is no.
 */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return true;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
