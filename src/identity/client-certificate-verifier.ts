import { AppError } from "../domain/errors.js";
import { canonicalDn, displayDn, extendsByOneCn, type Rdns } from "./distinguished-name.js";
import { formatInstant } from "../contracts/instant.js";
import {
  allowsKeyUsage, KeyUsageFlags, OID_PPL_GLOBUS_LIMITED, OID_PPL_INDEPENDENT, OID_PPL_INHERIT_ALL,
  parseCertificate, pemCertificates, subjectText, type ParsedCertificate,
} from "./x509-certificate.js";

/**
 * Verifies the certificate chain a client presents over TLS, including RFC 3820
 * proxy certificates, which Node's TLS (OpenSSL without X509_V_FLAG_ALLOW_PROXY_CERTS)
 * refuses. The chain as `cadc-get-cert` writes it:
 *
 *   proxy (CN=…/CN=alice/CN=1234) ─signed by─▶ user (CN=…/CN=alice) ─signed by─▶ CA (--client-ca)
 *
 * Steps, each failing with a 401 that says which certificate and why:
 *   1. every certificate is within its validity dates;
 *   2. from the leaf, each proxy is signed by the next certificate, whose subject it
 *      extends by exactly one CN, which is not a CA, may sign (keyUsage), and whose
 *      path-length limit is respected; its policy is inheritAll or Globus' limited;
 *   3. the first non-proxy is the end-entity (user) certificate: not a CA, usable for
 *      client authentication;
 *   4. from it, signatures lead through intermediate CAs the client sent to a trust
 *      anchor from `--client-ca`.
 * The identity is the end-entity subject, whatever the number of proxies.
 */

/** Who a verified chain belongs to. */
export interface CertificateIdentity {
  /** Canonical DN of the end-entity certificate: what `users.dn` is compared with. */
  readonly dn: string;
  /** The same DN as OpenSSL prints it, for messages. */
  readonly displayDn: string;
  /** Proxies above the end-entity certificate (0 for a plain user certificate). */
  readonly proxyDepth: number;
  /** Earliest expiry along the chain. */
  readonly notAfter: Date;
}

export interface ClientCertificateVerifier {
  /**
   * @param chain DER certificates as the client sent them, its own first.
   * @throws AppError UNAUTHENTICATED with the reason.
   */
  verify(chain: readonly Buffer[], now: Date): CertificateIdentity;
}

/** Longest chain considered: proxies plus intermediates. Real ones are 2 to 5 long. */
const MAX_CHAIN = 12;

const reject = (why: string) => new AppError("UNAUTHENTICATED", `Client certificate rejected: ${why}.`);
const sameDn = (a: Rdns, b: Rdns) => canonicalDn(a) === canonicalDn(b);

function checkDates(c: ParsedCertificate, now: Date, role: string): void {
  if (now > c.notAfter) throw reject(`the ${role} ${subjectText(c)} expired on ${formatInstant(c.notAfter)}; get a fresh one (e.g. cadc-get-cert)`);
  if (now < c.notBefore) throw reject(`the ${role} ${subjectText(c)} is not valid before ${formatInstant(c.notBefore)}`);
  if (c.unknownCriticalExtensions.length > 0) throw reject(`the ${role} ${subjectText(c)} has a critical extension skyrun does not understand (${c.unknownCriticalExtensions.join(", ")})`);
}

function checkSignedBy(child: ParsedCertificate, parent: ParsedCertificate, role: string): void {
  if (!sameDn(child.issuer, parent.subject)) throw reject(`the ${role} ${subjectText(child)} names issuer ${displayDn(child.issuer)}, but the next certificate is ${subjectText(parent)}`);
  let ok = false;
  try {
    ok = child.x509.verify(parent.x509.publicKey);
  } catch {
    ok = false;
  }
  if (!ok) throw reject(`the signature on the ${role} ${subjectText(child)} does not verify with the key of ${subjectText(parent)}`);
}

/** Step 2: the proxies from the leaf down; returns the index of the end-entity certificate. */
function verifyProxies(chain: readonly ParsedCertificate[], now: Date): number {
  let i = 0;
  for (; i < chain.length && chain[i]!.proxy; i++) {
    const proxy = chain[i]!;
    const info = proxy.proxy!;
    checkDates(proxy, now, "proxy certificate");
    const signer = chain[i + 1];
    if (!signer) throw reject(`the proxy certificate ${subjectText(proxy)} came without the certificate that signed it (${displayDn(proxy.issuer)}); send the whole file cadc-get-cert wrote`);
    checkSignedBy(proxy, signer, "proxy certificate");
    if (!extendsByOneCn(proxy.subject, signer.subject)) throw reject(`the proxy subject ${subjectText(proxy)} must be its issuer's subject ${subjectText(signer)} plus one CN (RFC 3820)`);
    if (proxy.isCa) throw reject(`the proxy certificate ${subjectText(proxy)} claims to be a CA`);
    if (signer.isCa) throw reject(`the proxy certificate ${subjectText(proxy)} is signed by a CA; proxies are signed by a user certificate or another proxy`);
    if (!allowsKeyUsage(signer, KeyUsageFlags.digitalSignature)) throw reject(`${subjectText(signer)} may not sign proxies (its keyUsage lacks digitalSignature)`);
    // `i` proxies were signed below this one (chain[0..i-1]).
    if (info.pathLength !== undefined && i > info.pathLength) throw reject(`the proxy certificate ${subjectText(proxy)} allows ${info.pathLength} further proxies, but ${i} follow it`);
    if (info.policyLanguage === OID_PPL_INDEPENDENT) throw reject(`${subjectText(proxy)} is an independent proxy, which carries no identity`);
    if (info.policyLanguage !== OID_PPL_INHERIT_ALL && info.policyLanguage !== OID_PPL_GLOBUS_LIMITED) throw reject(`the proxy policy ${info.policyLanguage} of ${subjectText(proxy)} is not supported (inheritAll or limited are)`);
  }
  return i;
}

/** Step 4: from the end-entity certificate to a trust anchor, through intermediates the client sent. */
function verifyToAnchor(chain: readonly ParsedCertificate[], from: number, anchors: readonly ParsedCertificate[], now: Date): Date {
  let current = chain[from]!;
  let notAfter = current.notAfter;
  const intermediates = chain.slice(from + 1).filter((c) => !c.proxy);
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    const anchor = anchors.find((a) => sameDn(a.subject, current.issuer) && (() => { try { return current.x509.verify(a.x509.publicKey); } catch { return false; } })());
    if (anchor) {
      checkDates(anchor, now, "trusted CA certificate");
      return anchor.notAfter < notAfter ? anchor.notAfter : notAfter;
    }
    const next = intermediates.find((c) => sameDn(c.subject, current.issuer) && !c.der.equals(current.der));
    if (!next) throw reject(`${subjectText(current)} was issued by ${displayDn(current.issuer)}, which is not a CA this server trusts`);
    checkDates(next, now, "CA certificate");
    checkSignedBy(current, next, depth === 0 ? "user certificate" : "CA certificate");
    if (!next.isCa || !allowsKeyUsage(next, KeyUsageFlags.keyCertSign)) throw reject(`${subjectText(next)} signed ${subjectText(current)} but is not a CA`);
    if (next.caPathLength !== undefined && depth > next.caPathLength) throw reject(`${subjectText(next)} allows ${next.caPathLength} intermediate CAs below it`);
    if (next.notAfter < notAfter) notAfter = next.notAfter;
    current = next;
  }
  throw reject("the chain is longer than skyrun follows");
}

/**
 * A verifier trusting the CA certificates in `caPem` (one or more PEM blocks).
 * @throws Error when the PEM holds no certificate.
 */
export function createClientCertificateVerifier(caPem: string): ClientCertificateVerifier {
  const anchors = pemCertificates(caPem).map(parseCertificate);
  if (anchors.length === 0) throw new Error("the client CA file holds no PEM certificate");
  return {
    verify(raw, now) {
      if (raw.length === 0) throw reject("none was sent");
      if (raw.length > MAX_CHAIN) throw reject(`the chain has ${raw.length} certificates; at most ${MAX_CHAIN} are followed`);
      let chain: ParsedCertificate[];
      try {
        chain = raw.map((der) => parseCertificate(der));
      } catch (e) {
        throw reject(`a certificate in the chain could not be read (${e instanceof Error ? e.message : String(e)})`);
      }
      const eecIndex = verifyProxies(chain, now);
      const eec = chain[eecIndex];
      if (!eec) throw reject("the chain holds only proxy certificates");
      checkDates(eec, now, "user certificate");
      if (eec.isCa) throw reject(`${subjectText(eec)} is a CA certificate, not a user certificate`);
      const eku = eec.extKeyUsage;
      if (eku && !eku.includes("1.3.6.1.5.5.7.3.2") && !eku.includes("2.5.29.37.0")) throw reject(`${subjectText(eec)} is not meant for client authentication (extKeyUsage)`);
      let notAfter = verifyToAnchor(chain, eecIndex, anchors, now);
      for (const c of chain.slice(0, eecIndex)) if (c.notAfter < notAfter) notAfter = c.notAfter;
      return { dn: canonicalDn(eec.subject), displayDn: displayDn(eec.subject), proxyDepth: eecIndex, notAfter };
    },
  };
}
