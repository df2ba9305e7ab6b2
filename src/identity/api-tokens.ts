import { createHash, randomBytes } from "node:crypto";

/** Tokens look like `skyrun_<8 hex id>_<43 base64url chars>`: the id names it in listings, the rest is the secret. */
const TOKEN_PATTERN = /^skyrun_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$/;

/** SHA-256 of the whole token, hex. Tokens carry 256 random bits, so a fast hash is enough. */
export const hashToken = (token: string): string => createHash("sha256").update(token, "utf8").digest("hex");

export const isApiToken = (token: string): boolean => TOKEN_PATTERN.test(token);

/** A fresh token, its id and the hash to store. The token itself is shown once and never stored. */
export function generateToken(): { id: string; token: string; hash: string } {
  const id = randomBytes(4).toString("hex");
  const token = `skyrun_${id}_${randomBytes(32).toString("base64url")}`;
  return { id, token, hash: hashToken(token) };
}
