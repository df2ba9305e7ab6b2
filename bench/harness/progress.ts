/** Progress for people on stderr; stdout stays for data. */
export function note(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/** Times an async step and reports it. */
export async function step<T>(what: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  note(`${what} …`);
  const result = await work();
  note(`${what}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}
