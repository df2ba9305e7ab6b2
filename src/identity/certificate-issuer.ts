import { generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  AlgorithmIdentifier, AttributeTypeAndValue, AttributeValue, BasicConstraints, Certificate, ExtendedKeyUsage, Extension, Extensions,
  GeneralName, KeyUsage, KeyUsageFlags, Name, RelativeDistinguishedName, SubjectAlternativeName, SubjectPublicKeyInfo, TBSCertificate, Validity, Version,
} from "@peculiar/asn1-x509";
import { oidOf, parseDn, type Rdns } from "./distinguished-name.js";
import { encodeProxyCertInfo, OID_PROXY_CERT_INFO, type ProxyCertInfo } from "./x509-certificate.js";

/**
 * Issues X.509 certificates with Node's keys: the CA and server certificate skyrun
 * generates for its own HTTPS, and in tests the CA, user and proxy certificates
 * `cadc-get-cert` would hand a user.
 */

export interface IssueOptions {
  /** Subject in any form `parseDn` reads, e.g. `/C=ca/O=hia/CN=alice`. */
  readonly subject: string | Rdns;
  readonly publicKey: KeyObject;
  /** The issuer's subject and private key; omit for a self-signed certificate (signed by `selfKey`). */
  readonly issuer?: { readonly subject: string | Rdns; readonly key: KeyObject };
  /** Private key of a self-signed certificate. */
  readonly selfKey?: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly ca?: { readonly pathLength?: number };
  readonly keyUsage?: readonly (keyof typeof KeyUsageFlags)[];
  readonly extKeyUsage?: readonly string[];
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  /** Makes it an RFC 3820 proxy certificate. */
  readonly proxy?: ProxyCertInfo;
  /** Extra extensions as DER values (tests use this for odd certificates). */
  readonly extraExtensions?: readonly { readonly oid: string; readonly critical: boolean; readonly value: ArrayBuffer }[];
  readonly serial?: bigint;
}

function nameOf(dn: string | Rdns): Name {
  const rdns = typeof dn === "string" ? parseDn(dn) : dn;
  return new Name(rdns.map((rdn) => new RelativeDistinguishedName(rdn.map((a) => new AttributeTypeAndValue({
    type: oidOf(a.type),
    // Country codes are PrintableString by X.520; everything else UTF8String, as modern CAs issue.
    value: new AttributeValue(a.type === "c" ? { printableString: a.value } : { utf8String: a.value }),
  })))));
}

/** Signature algorithm for a key: ECDSA or RSA with SHA-256, or Ed25519. */
function algorithmFor(key: KeyObject): { id: AlgorithmIdentifier; digest: string | null } {
  switch (key.asymmetricKeyType) {
    case "ec": return { id: new AlgorithmIdentifier({ algorithm: "1.2.840.10045.4.3.2" }), digest: "sha256" };
    case "rsa": return { id: new AlgorithmIdentifier({ algorithm: "1.2.840.113549.1.1.11", parameters: null }), digest: "sha256" };
    case "ed25519": return { id: new AlgorithmIdentifier({ algorithm: "1.3.101.112" }), digest: null };
    default: throw new Error(`cannot sign with a ${key.asymmetricKeyType ?? "?"} key`);
  }
}

const ext = (oid: string, critical: boolean, value: ArrayBuffer) => new Extension({ extnID: oid, critical, extnValue: new OctetString(value) });

function serialBytes(serial: bigint | undefined): ArrayBuffer {
  if (serial === undefined) {
    const bytes = randomBytes(16);
    // First byte 0x40–0x7f: positive, and never a leading zero, which DER forbids (OpenSSL
    // refused about one certificate in 256 when the first byte came out 0x00).
    bytes[0] = (bytes[0]! & 0x3f) | 0x40;
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  }
  let hex = serial.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
  const b = Buffer.from(hex, "hex");
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
}

function extensionsOf(o: IssueOptions): Extension[] {
  const list: Extension[] = [];
  list.push(ext("2.5.29.19", true, AsnConvert.serialize(new BasicConstraints(o.ca ? { cA: true, ...(o.ca.pathLength === undefined ? {} : { pathLenConstraint: o.ca.pathLength }) } : { cA: false }))));
  if (o.keyUsage) list.push(ext("2.5.29.15", true, AsnConvert.serialize(new KeyUsage(o.keyUsage.reduce((bits, k) => bits | KeyUsageFlags[k], 0)))));
  if (o.extKeyUsage) list.push(ext("2.5.29.37", false, AsnConvert.serialize(new ExtendedKeyUsage([...o.extKeyUsage]))));
  const alt = [...(o.dnsNames ?? []).map((d) => new GeneralName({ dNSName: d })), ...(o.ipAddresses ?? []).map((ip) => new GeneralName({ iPAddress: ip }))];
  if (alt.length > 0) list.push(ext("2.5.29.17", false, AsnConvert.serialize(new SubjectAlternativeName(alt))));
  if (o.proxy) list.push(ext(OID_PROXY_CERT_INFO, true, encodeProxyCertInfo(o.proxy)));
  for (const e of o.extraExtensions ?? []) list.push(ext(e.oid, e.critical, e.value));
  return list;
}

/** Issues a certificate and returns it as PEM. */
export function issueCertificate(o: IssueOptions): string {
  const signingKey = o.issuer?.key ?? o.selfKey;
  if (!signingKey) throw new Error("issueCertificate needs an issuer key or selfKey");
  const { id, digest } = algorithmFor(signingKey);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serialBytes(o.serial),
    signature: id,
    issuer: nameOf(o.issuer?.subject ?? o.subject),
    validity: new Validity({ notBefore: o.notBefore, notAfter: o.notAfter }),
    subject: nameOf(o.subject),
    subjectPublicKeyInfo: AsnConvert.parse(o.publicKey.export({ type: "spki", format: "der" }), SubjectPublicKeyInfo),
    extensions: new Extensions(extensionsOf(o)),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = sign(digest, tbsDer, signingKey);
  const der = Buffer.from(AsnConvert.serialize(new Certificate({ tbsCertificate: tbs, signatureAlgorithm: id, signatureValue: signature.buffer.slice(signature.byteOffset, signature.byteOffset + signature.length) })));
  return toPem("CERTIFICATE", der);
}

/** A fresh ECDSA P-256 key pair: quick to make, accepted by curl, browsers and Python. */
export function generateKeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync("ec", { namedCurve: "P-256" });
}

/** PEM armour of DER bytes. */
export function toPem(label: string, der: Buffer): string {
  return `-----BEGIN ${label}-----\n${der.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n?$/, "\n")}-----END ${label}-----\n`;
}

/** A private key as PKCS#8 PEM. */
export const privateKeyPem = (key: KeyObject): string => key.export({ type: "pkcs8", format: "pem" }).toString();

