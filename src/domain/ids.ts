import { randomInt } from "node:crypto";

/** An 8-character session id, `[a-z][a-z0-9]{7}`, as the platform makes them. */
export type JobId = string & { readonly __brand: "JobId" };

const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const ALPHANUMERIC = LETTERS + "0123456789";
const JOB_ID_PATTERN = /^[a-z][a-z0-9]{7}$/;

/** A fresh random job id. 26·36^7 ≈ 2·10^12 values, so collisions are checked by the store's primary key. */
export function newJobId(): JobId {
  let id = LETTERS[randomInt(LETTERS.length)] ?? "a";
  for (let i = 0; i < 7; i++) id += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)] ?? "0";
  return id as JobId;
}

export const isJobId = (value: string): value is JobId => JOB_ID_PATTERN.test(value);
