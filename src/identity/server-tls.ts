import { createPrivateKey, X509Certificate } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { generateKeyPair, issueCertificate, privateKeyPem } from "./certificate-issuer.js";

/** The TLS settings of `skyrun server` (config section `tls`). */
export interface TlsSettings {
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCaFile: string;
}

/** What the HTTPS server is built from. */
export interface ServerTls {
  readonly key: Buffer;
  readonly cert: Buffer;
  /** PEM of the CAs trusted for client certificates, when client certificates are accepted. */
  readonly clientCa: string | undefined;
  /** When skyrun made its own certificate: the CA file clients trust (`curl --cacert`). */
  readonly generatedCaFile: string | undefined;
}

/** The generated CA lives this long; the server certificate is re-issued from it when due. */
const CA_DAYS = 3650;
const SERVER_DAYS = 397;
/** Certificates this close to expiry are replaced at start. */
const RENEW_BEFORE_DAYS = 30;
const DAY_MS = 86_400_000;

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`${what} ${path}: cannot read it (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
}

const writeSecret = (path: string, text: string) => {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
};

/** True when the PEM certificate at `path` is valid for at least RENEW_BEFORE_DAYS more and names every host. */
function usable(path: string, now: Date, hosts: readonly string[]): boolean {
  if (!existsSync(path)) return false;
  try {
    const cert = new X509Certificate(readFileSync(path));
    if (new Date(cert.validTo).getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS) return false;
    return hosts.every((h) => (isIP(h) ? cert.checkIP(h) !== undefined : cert.checkHost(h) !== undefined));
  } catch {
    return false;
  }
}

/**
 * skyrun's own certificate authority and a server certificate for `hosts`, in `dir`
 * (keys 0600). The CA is kept across restarts so clients keep trusting it; the server
 * certificate is re-issued when it nears expiry or the host names change.
 */
function ensureGeneratedCertificate(dir: string, hosts: readonly string[], now: Date): { key: Buffer; cert: Buffer; caFile: string } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caFile = join(dir, "ca.pem");
  const caKeyFile = join(dir, "ca-key.pem");
  const certFile = join(dir, "server.pem");
  const keyFile = join(dir, "server-key.pem");
  const before = new Date(now.getTime() - 3_600_000);
  const caSubject = "/O=skyrun/CN=skyrun local CA";
  let renewedCa = false;
  if (!usable(caFile, now, []) || !existsSync(caKeyFile)) {
    const ca = generateKeyPair();
    writeSecret(caKeyFile, privateKeyPem(ca.privateKey));
    writeFileSync(caFile, issueCertificate({ subject: caSubject, publicKey: ca.publicKey, selfKey: ca.privateKey, notBefore: before, notAfter: new Date(now.getTime() + CA_DAYS * DAY_MS), ca: { pathLength: 0 }, keyUsage: ["keyCertSign", "cRLSign"] }));
    renewedCa = true;
  }
  if (renewedCa || !usable(certFile, now, hosts) || !existsSync(keyFile)) {
    const server = generateKeyPair();
    const caKey = createPrivateKey(readFileSync(caKeyFile));
    writeSecret(keyFile, privateKeyPem(server.privateKey));
    writeFileSync(certFile, issueCertificate({
      subject: `/O=skyrun/CN=${hosts[0] ?? "localhost"}`,
      publicKey: server.publicKey,
      issuer: { subject: caSubject, key: caKey },
      notBefore: before,
      notAfter: new Date(now.getTime() + SERVER_DAYS * DAY_MS),
      keyUsage: ["digitalSignature", "keyEncipherment"],
      extKeyUsage: ["1.3.6.1.5.5.7.3.1"],
      dnsNames: hosts.filter((h) => !isIP(h)),
      ipAddresses: hosts.filter((h) => isIP(h)),
    }));
  }
  return { key: readFileSync(keyFile), cert: readFileSync(certFile), caFile };
}

/**
 * Loads the configured certificate and key, or generates skyrun's own in `generatedDir`.
 * @throws Error naming the file when a file cannot be read or the key does not match.
 */
export function prepareServerTls(settings: TlsSettings, generatedDir: string, hosts: readonly string[], now: Date): ServerTls {
  const clientCa = settings.clientCaFile ? read(settings.clientCaFile, "--client-ca").toString("utf8") : undefined;
  if (clientCa !== undefined && !clientCa.includes("-----BEGIN CERTIFICATE-----")) throw new Error(`--client-ca ${settings.clientCaFile}: holds no PEM certificate`);
  if (!settings.certFile) {
    const generated = ensureGeneratedCertificate(generatedDir, hosts, now);
    return { key: generated.key, cert: generated.cert, clientCa, generatedCaFile: generated.caFile };
  }
  const cert = read(settings.certFile, "--tls-cert");
  const key = read(settings.keyFile, "--tls-key");
  let matches: boolean;
  try {
    matches = new X509Certificate(cert).checkPrivateKey(createPrivateKey(key));
  } catch (e) {
    throw new Error(`--tls-cert ${settings.certFile} / --tls-key ${settings.keyFile}: not a PEM certificate and key (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  if (!matches) throw new Error(`--tls-key ${settings.keyFile} is not the key of --tls-cert ${settings.certFile}`);
  return { key, cert, clientCa, generatedCaFile: undefined };
}
