import { X509Certificate } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { BasicConstraints, Certificate, ExtendedKeyUsage, KeyUsage, KeyUsageFlags, type Name } from "@peculiar/asn1-x509";
import * as asn1js from "asn1js";
import { ATTRIBUTE_NAMES, displayDn, type Rdns } from "./distinguished-name.js";

/** RFC 3820 proxyCertInfo, and the pre-RFC Globus (GT3) OID with the same content. */
export const OID_PROXY_CERT_INFO = "1.3.6.1.5.5.7.1.14";
export const OID_PROXY_CERT_INFO_GLOBUS = "1.3.6.1.4.1.3536.1.222";
/** Proxy policy languages: inherit all rights, none (independent), or Globus' "limited" (no job submission). */
export const OID_PPL_INHERIT_ALL = "1.3.6.1.5.5.7.21.1";
export const OID_PPL_INDEPENDENT = "1.3.6.1.5.5.7.21.2";
export const OID_PPL_GLOBUS_LIMITED = "1.3.6.1.4.1.3536.1.1.1.9";

const OID_BASIC_CONSTRAINTS = "2.5.29.19";
const OID_KEY_USAGE = "2.5.29.15";
const OID_EXT_KEY_USAGE = "2.5.29.37";

/** Extensions a path check understands; any other critical one makes a certificate unusable (RFC 5280 §4.2). */
export const UNDERSTOOD_EXTENSIONS: ReadonlySet<string> = new Set([
  OID_BASIC_CONSTRAINTS, OID_KEY_USAGE, OID_EXT_KEY_USAGE, OID_PROXY_CERT_INFO, OID_PROXY_CERT_INFO_GLOBUS,
  "2.5.29.14", "2.5.29.35", "2.5.29.17", "2.5.29.18", "2.5.29.32", "2.5.29.31", "1.3.6.1.5.5.7.1.1",
]);

export interface ProxyCertInfo {
  /** How many further proxies may be signed below this one; undefined = unlimited. */
  readonly pathLength: number | undefined;
  readonly policyLanguage: string;
}

/** The parts of a certificate that path validation needs, parsed once. */
export interface ParsedCertificate {
  readonly der: Buffer;
  /** Node's view, used for signature checks. */
  readonly x509: X509Certificate;
  readonly subject: Rdns;
  readonly issuer: Rdns;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** basicConstraints cA. */
  readonly isCa: boolean;
  readonly caPathLength: number | undefined;
  /** keyUsage flags (KeyUsageFlags bits), or undefined when the extension is absent (= any use). */
  readonly keyUsage: number | undefined;
  /** extKeyUsage OIDs, or undefined when absent (= any purpose). */
  readonly extKeyUsage: readonly string[] | undefined;
  /** Set when the certificate is a proxy certificate (RFC 3820 or Globus draft). */
  readonly proxy: ProxyCertInfo | undefined;
  readonly unknownCriticalExtensions: readonly string[];
}

function rdnsOf(name: Name): Rdns {
  return name.map((rdn) => rdn.map((atv) => {
    const value = atv.value.anyValue ? `#${Buffer.from(atv.value.anyValue).toString("hex")}` : atv.value.toString();
    return { type: ATTRIBUTE_NAMES[atv.type] ?? atv.type, value };
  }));
}

/**
 * Reads proxyCertInfo. The RFC puts the path length first and the policy second; the
 * Globus draft the other way round. Both are a SEQUENCE of an optional INTEGER and a
 * ProxyPolicy SEQUENCE, so the elements are told apart by their type.
 */
export function parseProxyCertInfo(value: ArrayBuffer): ProxyCertInfo {
  const parsed = asn1js.fromBER(value);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) throw new Error("proxyCertInfo is not a DER SEQUENCE");
  let pathLength: number | undefined;
  let policyLanguage: string | undefined;
  for (const element of parsed.result.valueBlock.value) {
    if (element instanceof asn1js.Integer) pathLength = element.valueBlock.valueDec;
    else if (element instanceof asn1js.Sequence) {
      const language = element.valueBlock.value[0];
      if (language instanceof asn1js.ObjectIdentifier) policyLanguage = language.valueBlock.toString();
    }
  }
  if (!policyLanguage) throw new Error("proxyCertInfo has no policy language");
  return { pathLength, policyLanguage };
}

/** Encodes proxyCertInfo (RFC 3820 order): for issuing proxies in tests and tools. */
export function encodeProxyCertInfo(info: ProxyCertInfo): ArrayBuffer {
  const policy = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: info.policyLanguage })] });
  return new asn1js.Sequence({ value: [...(info.pathLength === undefined ? [] : [new asn1js.Integer({ value: info.pathLength })]), policy] }).toBER();
}

/** Parses one DER certificate. @throws Error when it is not one. */
export function parseCertificate(der: Buffer): ParsedCertificate {
  const cert = AsnConvert.parse(der, Certificate);
  const tbs = cert.tbsCertificate;
  let isCa = false;
  let caPathLength: number | undefined;
  let keyUsage: number | undefined;
  let extKeyUsage: string[] | undefined;
  let proxy: ProxyCertInfo | undefined;
  const unknownCriticalExtensions: string[] = [];
  for (const ext of tbs.extensions ? [...tbs.extensions] : []) {
    const value = ext.extnValue.buffer;
    switch (ext.extnID) {
      case OID_BASIC_CONSTRAINTS: {
        const bc = AsnConvert.parse(value, BasicConstraints);
        isCa = bc.cA;
        caPathLength = bc.pathLenConstraint;
        break;
      }
      case OID_KEY_USAGE:
        keyUsage = AsnConvert.parse(value, KeyUsage).toNumber();
        break;
      case OID_EXT_KEY_USAGE:
        extKeyUsage = [...AsnConvert.parse(value, ExtendedKeyUsage)];
        break;
      case OID_PROXY_CERT_INFO:
      case OID_PROXY_CERT_INFO_GLOBUS:
        proxy = parseProxyCertInfo(value);
        break;
      default:
        if (ext.critical && !UNDERSTOOD_EXTENSIONS.has(ext.extnID)) unknownCriticalExtensions.push(ext.extnID);
    }
  }
  return {
    der,
    x509: new X509Certificate(der),
    subject: rdnsOf(tbs.subject),
    issuer: rdnsOf(tbs.issuer),
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    isCa,
    caPathLength,
    keyUsage,
    extKeyUsage,
    proxy,
    unknownCriticalExtensions,
  };
}

/** True unless keyUsage is present and lacks `flag`. */
export const allowsKeyUsage = (c: ParsedCertificate, flag: KeyUsageFlags): boolean => c.keyUsage === undefined || (c.keyUsage & flag) !== 0;

/** Every certificate in a PEM text, as DER. */
export function pemCertificates(pem: string): Buffer[] {
  const out: Buffer[] = [];
  for (const m of pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) out.push(Buffer.from(m[1]!.replace(/\s+/g, ""), "base64"));
  return out;
}

/** A certificate's subject for messages. */
export const subjectText = (c: ParsedCertificate): string => displayDn(c.subject);

export { KeyUsageFlags };
