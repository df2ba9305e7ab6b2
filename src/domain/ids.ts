import { randomFillSync } from "node:crypto";

/** An 8-character session id, `[a-z][a-z0-9]{7}`, as the platform makes them. */
export type JobId = string & { readonly __brand: "JobId" };

const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const ALPHANUMERIC = LETTERS + "0123456789";
const JOB_ID_PATTERN = /^[a-z][a-z0-9]{7}$/;

/** Random bytes drawn in bulk: one system call per 4 KiB instead of eight per id (a 10,000-replica request makes 10,000 ids). */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

/** A uniformly random index below `n` (n ≤ 256), by rejection sampling, so no letter is likelier than another. */
function randomBelow(n: number): number {
  const limit = 256 - (256 % n);
  for (;;) {
    if (poolAt >= pool.length) {
      randomFillSync(pool);
      poolAt = 0;
    }
    const byte = pool[poolAt++]!;
    if (byte < limit) return byte % n;
  }
}

/** A fresh random job id. 26·36^7 ≈ 2·10^12 values, so collisions are checked by the store's primary key. */
export function newJobId(): JobId {
  let id = LETTERS[randomBelow(LETTERS.length)]!;
  for (let i = 0; i < 7; i++) id += ALPHANUMERIC[randomBelow(ALPHANUMERIC.length)]!;
  return id as JobId;
}

export const isJobId = (value: string): value is JobId => JOB_ID_PATTERN.test(value);
