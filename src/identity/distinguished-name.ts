import { invalid } from "../domain/errors.js";

/**
 * X.509 distinguished names as operators type them and as certificates carry them.
 *
 * Three spellings reach us:
 *   - OpenSSL's slash form, most significant first: `/C=ca/O=hia/OU=cadc/CN=alice`
 *   - RFC 4514, least significant first:            `CN=alice,OU=cadc,O=hia,C=ca`
 *   - OpenSSL's display form, most significant first (what `openssl x509 -subject`
 *     prints): `C = ca, O = hia, OU = cadc, CN = alice`
 * A comma-separated DN is read as RFC 4514 unless it starts with a country (`C=`) or
 * domain component (`DC=`) and does not end with one: then it is the display form.
 *
 * Every spelling becomes the same RDN list and the same canonical text, which is what
 * `users.dn` stores and what a certificate's subject is compared with. Matching is
 * case-insensitive, as the caseIgnoreMatch rule of the usual attributes (CN, O, OU, C) is.
 */

/** One attribute of a DN: a lower-case short type name (`cn`, `ou`) or a dotted OID, and its value. */
export interface DnAttribute {
  readonly type: string;
  readonly value: string;
}

/** A DN as its RDNs, most significant first (the order inside a certificate). */
export type Rdns = readonly (readonly DnAttribute[])[];

/** Short names of the attribute types seen in grid and CADC certificates, by OID. */
export const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  "2.5.4.3": "cn",
  "2.5.4.4": "sn",
  "2.5.4.5": "serialnumber",
  "2.5.4.6": "c",
  "2.5.4.7": "l",
  "2.5.4.8": "st",
  "2.5.4.9": "street",
  "2.5.4.10": "o",
  "2.5.4.11": "ou",
  "2.5.4.12": "title",
  "2.5.4.42": "givenname",
  "0.9.2342.19200300.100.1.1": "uid",
  "0.9.2342.19200300.100.1.25": "dc",
  "1.2.840.113549.1.9.1": "emailaddress",
};

const ALIASES: Readonly<Record<string, string>> = { e: "emailaddress", email: "emailaddress", userid: "uid", s: "st" };
const OID_BY_NAME: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(ATTRIBUTE_NAMES).map(([oid, name]) => [name, oid]));

/** The OID of a short type name, or the name itself when it is already an OID. */
export function oidOf(type: string): string {
  const oid = OID_BY_NAME[type] ?? (/^\d+(\.\d+)+$/.test(type) ? type : undefined);
  if (!oid) throw new Error(`unknown DN attribute type ${type}`);
  return oid;
}

const fail = (dn: string, why: string) =>
  invalid(`DN ${JSON.stringify(dn)}: ${why}. Write it as OpenSSL does (/C=ca/O=hia/OU=cadc/CN=alice) or as RFC 4514 (CN=alice,OU=cadc,O=hia,C=ca).`, { parameter: "dn" });

function normaliseType(raw: string, dn: string): string {
  const t = raw.trim().toLowerCase().replace(/^oid\./, "");
  if (/^\d+(\.\d+)+$/.test(t)) return ATTRIBUTE_NAMES[t] ?? t;
  if (!/^[a-z][a-z0-9-]*$/.test(t)) throw fail(dn, `${JSON.stringify(raw.trim())} is not an attribute type`);
  return ALIASES[t] ?? t;
}

/** Splits on `separators` outside quotes and backslash escapes; escapes are kept for `unescapeValue`. */
function splitOutside(text: string, separators: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\\" && i + 1 < text.length) {
      current += ch + text[i + 1]!;
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
      current += ch;
    } else if (!quoted && separators.includes(ch)) {
      parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** RFC 4514 value unescaping: `\,` and friends, `\XX` hex bytes (UTF-8), and RFC 2253 quotes. */
function unescapeValue(raw: string, dn: string): string {
  let v = raw.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const ch = v[i]!;
    if (ch !== "\\") {
      bytes.push(...Buffer.from(ch, "utf8"));
      continue;
    }
    const next = v.slice(i + 1, i + 3);
    if (/^[0-9a-fA-F]{2}$/.test(next)) {
      bytes.push(parseInt(next, 16));
      i += 2;
    } else if (i + 1 < v.length) {
      bytes.push(...Buffer.from(v[i + 1]!, "utf8"));
      i++;
    } else {
      throw fail(dn, "it ends with a lone backslash");
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

function parseRdn(text: string, dn: string): DnAttribute[] {
  return splitOutside(text, "+").map((pair) => {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw fail(dn, `${JSON.stringify(pair.trim())} is not TYPE=value`);
    const value = unescapeValue(pair.slice(eq + 1), dn);
    if (value === "") throw fail(dn, `${pair.slice(0, eq).trim()} has an empty value`);
    return { type: normaliseType(pair.slice(0, eq), dn), value };
  });
}

/**
 * Parses a DN in any of the three spellings above into RDNs, most significant first.
 * @throws AppError VALIDATION_FAILED naming the DN and the accepted forms.
 */
export function parseDn(text: string): Rdns {
  const dn = text.trim();
  if (dn === "") throw fail(text, "it is empty");
  if (dn.startsWith("/")) {
    // The slash form cannot contain an unescaped "/" in a value; OpenSSL writes "\/".
    return splitOutside(dn.slice(1), "/").filter((p) => p.trim() !== "").map((p) => parseRdn(p, dn));
  }
  const rdns = splitOutside(dn, ",;").map((p) => parseRdn(p, dn));
  const first = rdns[0]?.[0]?.type;
  const last = rdns.at(-1)?.[0]?.type;
  const mostSignificantFirst = (first === "c" || first === "dc") && last !== "c" && last !== "dc";
  return mostSignificantFirst ? rdns : [...rdns].reverse();
}

function escapeValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`);
  if (out.startsWith("#") || out.startsWith(" ")) out = `\\${out}`;
  if (out.endsWith(" ") && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

const rdnText = (rdn: readonly DnAttribute[], fold: boolean): string =>
  rdn.map((a) => `${fold ? a.type : a.type.toUpperCase()}=${escapeValue(fold ? a.value.trim().replace(/\s+/g, " ").toLowerCase() : a.value)}`)
    .sort((x, y) => (fold ? x.localeCompare(y) : 0))
    .join("+");

/**
 * The canonical text of a DN: RFC 4514 order (least significant first), lower-case
 * types and values, inner whitespace collapsed, multi-valued RDNs sorted. Two DNs
 * name the same subject exactly when their canonical texts are equal.
 */
export function canonicalDn(rdns: Rdns): string {
  return [...rdns].reverse().map((rdn) => rdnText(rdn, true)).join(",");
}

/** A DN as people read it: OpenSSL's slash form with the case as issued. */
export function displayDn(rdns: Rdns): string {
  return rdns.map((rdn) => `/${rdnText(rdn, false).replace(/\//g, "\\/")}`).join("");
}

/** Parses and canonicalises in one step; what `skyrun users add --dn` stores. */
export const canonicalDnOf = (text: string): string => canonicalDn(parseDn(text));

/** True when `child` is `parent` plus exactly one more RDN, which is a single CN (RFC 3820 §3.4). */
export function extendsByOneCn(child: Rdns, parent: Rdns): boolean {
  if (child.length !== parent.length + 1) return false;
  const last = child.at(-1)!;
  if (last.length !== 1 || last[0]!.type !== "cn") return false;
  return canonicalDn(child.slice(0, -1)) === canonicalDn(parent);
}
