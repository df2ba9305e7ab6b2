import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";
import { CredentialsError } from "./client-error.js";
import { formatInstant } from "../contracts/instant.js";

/** Where the client's certificate, key and trusted CAs come from. Paths are read once, when the client is made. */
export interface TlsFiles {
  /**
   * PEM file with the client certificate, its private key and chain, in any order: the
   * platform's proxy certificate `~/.ssl/cadcproxy.pem` is such a file.
   */
  readonly certificate?: string | undefined;
  /** PEM file with the private key, when it is not in the certificate file. */
  readonly keyFile?: string | undefined;
  /** PEM file with CA certificates to trust in addition to the system's (a private CA). */
  readonly caFile?: string | undefined;
}

/** PEM material ready for a TLS connection. */
export interface TlsMaterial {
  /** Leaf certificate first, then its chain. */
  readonly cert?: string;
  readonly key?: string;
  /** System roots plus the CA file's certificates, when a CA file was given. */
  readonly ca?: string[];
  /** When the client certificate stops being valid. */
  readonly certificateExpires?: Date;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** The PEM blocks of a text, by label (CERTIFICATE, PRIVATE KEY, RSA PRIVATE KEY, …), in file order. */
function pemBlocks(text: string): { label: string; pem: string }[] {
  return [...text.matchAll(BLOCK)].map((m) => ({ label: m[1]!, pem: `${m[0]}\n` }));
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : code === "EACCES" ? "is not readable by you" : `cannot be read (${code ?? String(e)})`;
    throw new CredentialsError(`The ${what} file ${path} ${why}.`, path, { cause: e });
  }
}


/** Refuses a certificate outside its validity period, before any connection, with the dates. */
function checkValidity(certPem: string, path: string, now: Date): Date {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (e) {
    throw new CredentialsError(`The certificate in ${path} cannot be parsed: ${(e as Error).message}.`, path, { cause: e });
  }
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  if (now < from) throw new CredentialsError(`The certificate in ${path} is not valid before ${formatInstant(from)}; check this computer's clock.`, path);
  if (now > to) throw new CredentialsError(`The certificate in ${path} expired on ${formatInstant(to)}; get a new one (for the platform: cadc-get-cert) and try again.`, path);
  return to;
}

/**
 * Reads the PEM files for a TLS connection. Throws {@link CredentialsError} naming the
 * file when one is missing or unreadable, holds no certificate or no private key, or
 * the certificate has expired or is not yet valid.
 */
export function loadTlsMaterial(files: TlsFiles, now: Date = new Date()): TlsMaterial {
  let cert: string | undefined;
  let key: string | undefined;
  let certificateExpires: Date | undefined;
  if (files.certificate !== undefined) {
    const path = files.certificate;
    const blocks = pemBlocks(readPem(path, "certificate"));
    const certs = blocks.filter((b) => b.label === "CERTIFICATE" || b.label === "X509 CERTIFICATE");
    const keyText = files.keyFile === undefined ? undefined : readPem(files.keyFile, "key");
    const keys = pemBlocks(keyText ?? blocks.map((b) => b.pem).join("")).filter((b) => b.label.endsWith("PRIVATE KEY"));
    if (certs.length === 0) throw new CredentialsError(`${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`, path);
    if (keys.length === 0) {
      throw new CredentialsError(files.keyFile === undefined
        ? `${path} holds no private key: a proxy certificate file has the certificate and its key; give the key file separately if it is elsewhere.`
        : `${files.keyFile} holds no PEM private key.`, files.keyFile ?? path);
    }
    if (keys[0]!.label === "ENCRYPTED PRIVATE KEY") throw new CredentialsError(`The private key for ${path} is encrypted; use an unencrypted key (as cadc-get-cert writes, mode 0600).`, files.keyFile ?? path);
    certificateExpires = checkValidity(certs[0]!.pem, path, now);
    cert = certs.map((c) => c.pem).join("");
    key = keys[0]!.pem;
  }
  let ca: string[] | undefined;
  if (files.caFile !== undefined) {
    const extra = pemBlocks(readPem(files.caFile, "CA")).filter((b) => b.label === "CERTIFICATE").map((b) => b.pem);
    if (extra.length === 0) throw new CredentialsError(`${files.caFile} holds no PEM CA certificate.`, files.caFile);
    ca = [...rootCertificates, ...extra];
  }
  return { ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(ca ? { ca } : {}), ...(certificateExpires ? { certificateExpires } : {}) };
}
