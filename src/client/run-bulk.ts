import { ClientError } from "./client-error.js";

/** The outcome of one item of a bulk call. */
export type ItemResult<K, V> =
  | { readonly key: K; readonly ok: true; readonly value: V }
  | { readonly key: K; readonly ok: false; readonly error: ClientError };

/** Per-item results of a bulk call, in the order of the keys given. */
export interface BulkResult<K, V> {
  readonly items: readonly ItemResult<K, V>[];
  readonly succeeded: readonly { readonly key: K; readonly value: V }[];
  readonly failed: readonly { readonly key: K; readonly error: ClientError }[];
}

export interface BulkOptions<K, V> {
  /** Calls in flight at once. @defaultValue 32 */
  readonly concurrency?: number;
  /** Called as each item settles, in completion order (for progress display). */
  readonly onSettled?: (result: ItemResult<K, V>, settled: number, total: number) => void;
}

/** Collects results in key order from outcomes that arrive in completion order. */
export function toBulkResult<K, V>(items: readonly ItemResult<K, V>[]): BulkResult<K, V> {
  const succeeded: { key: K; value: V }[] = [];
  const failed: { key: K; error: ClientError }[] = [];
  for (const item of items) {
    if (item.ok) succeeded.push({ key: item.key, value: item.value });
    else failed.push({ key: item.key, error: item.error });
  }
  return { items, succeeded, failed };
}

/**
 * Runs `call` for every key with at most `concurrency` calls in flight, and reports
 * what succeeded and what failed and why, never stopping at the first failure. A
 * ClientError becomes that item's failure; anything else is a bug and is rethrown
 * once every call has settled.
 */
export async function runBulk<K, V>(keys: readonly K[], call: (key: K, index: number) => Promise<V>, o: BulkOptions<K, V> = {}): Promise<BulkResult<K, V>> {
  const limit = Math.max(1, Math.floor(o.concurrency ?? 32));
  const results = new Array<ItemResult<K, V>>(keys.length);
  let next = 0;
  let settled = 0;
  let bug: unknown;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const index = next++;
      const key = keys[index]!;
      let result: ItemResult<K, V>;
      try {
        result = { key, ok: true, value: await call(key, index) };
      } catch (e) {
        if (!(e instanceof ClientError)) {
          bug ??= e;
          continue;
        }
        result = { key, ok: false, error: e };
      }
      results[index] = result;
      settled++;
      o.onSettled?.(result, settled, keys.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, keys.length) }, worker));
  if (bug !== undefined) throw bug instanceof Error ? bug : new Error("a bulk call threw a non-Error value", { cause: bug });
  return toBulkResult(results);
}
