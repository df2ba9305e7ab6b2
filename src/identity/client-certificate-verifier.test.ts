import type { KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateKeyPair, issueCertificate, type IssueOptions } from "./certificate-issuer.js";
import { createClientCertificateVerifier } from "./client-certificate-verifier.js";
import { OID_PPL_INDEPENDENT, OID_PPL_INHERIT_ALL, OID_PROXY_CERT_INFO_GLOBUS, encodeProxyCertInfo, pemCertificates } from "./x509-certificate.js";

const NOW = new Date("2026-07-01T12:00:00Z");
const day = 86_400_000;
const valid = { notBefore: new Date(NOW.getTime() - day), notAfter: new Date(NOW.getTime() + 10 * day) };

interface Party {
  readonly subject: string;
  readonly key: KeyObject;
  readonly der: Buffer;
}

function issue(subject: string, signer: Party | null, o: Partial<IssueOptions> = {}): Party {
  const { publicKey, privateKey } = generateKeyPair();
  const pem = issueCertificate({
    subject,
    publicKey,
    ...(signer ? { issuer: { subject: signer.subject, key: signer.key } } : { selfKey: privateKey }),
    ...valid,
    ...o,
  });
  return { subject, key: privateKey, der: pemCertificates(pem)[0]! };
}

const pemOf = (p: Party) => `-----BEGIN CERTIFICATE-----\n${p.der.toString("base64")}\n-----END CERTIFICATE-----\n`;

const ca = issue("/C=ca/O=hia/CN=Test CA", null, { ca: {}, keyUsage: ["keyCertSign", "cRLSign"] });
const otherCa = issue("/C=ca/O=evil/CN=Other CA", null, { ca: {}, keyUsage: ["keyCertSign"] });
const user = issue("/C=ca/O=hia/OU=cadc/CN=alice", ca, { keyUsage: ["digitalSignature", "keyEncipherment"], extKeyUsage: ["1.3.6.1.5.5.7.3.2"] });
const proxyOf = (signer: Party, o: Partial<IssueOptions> = {}, cn = "123456") =>
  issue(`${signer.subject}/CN=${cn}`, signer, { proxy: { pathLength: undefined, policyLanguage: OID_PPL_INHERIT_ALL }, keyUsage: ["digitalSignature", "keyEncipherment"], ...o });
const verifier = createClientCertificateVerifier(pemOf(ca));
const verify = (...chain: Party[]) => verifier.verify(chain.map((p) => p.der), NOW);

describe("client certificate chains (issue 3)", () => {
  it("accepts a user certificate signed by the trusted CA", () => {
    expect(verify(user)).toMatchObject({ dn: "cn=alice,ou=cadc,o=hia,c=ca", displayDn: "/C=ca/O=hia/OU=cadc/CN=alice", proxyDepth: 0 });
  });

  it("accepts an RFC 3820 proxy as cadc-get-cert makes it, and a proxy of a proxy, as the user", () => {
    const proxy = proxyOf(user);
    expect(verify(proxy, user)).toMatchObject({ dn: "cn=alice,ou=cadc,o=hia,c=ca", proxyDepth: 1 });
    const delegated = proxyOf(proxy, {}, "999");
    expect(verify(delegated, proxy, user)).toMatchObject({ dn: "cn=alice,ou=cadc,o=hia,c=ca", proxyDepth: 2 });
  });

  it("accepts the pre-RFC Globus proxyCertInfo OID", () => {
    const globus = issue(`${user.subject}/CN=777`, user, { extraExtensions: [{ oid: OID_PROXY_CERT_INFO_GLOBUS, critical: true, value: encodeProxyCertInfo({ pathLength: undefined, policyLanguage: OID_PPL_INHERIT_ALL }) }] });
    expect(verify(globus, user).proxyDepth).toBe(1);
  });

  it("follows intermediate CAs the client sends", () => {
    const intermediate = issue("/C=ca/O=hia/CN=Intermediate", ca, { ca: { pathLength: 0 }, keyUsage: ["keyCertSign"] });
    const carol = issue("/C=ca/O=hia/CN=carol", intermediate, { keyUsage: ["digitalSignature"] });
    expect(verify(proxyOf(carol), carol, intermediate).dn).toBe("cn=carol,o=hia,c=ca");
  });

  it.each([
    ["an expired user certificate", () => [issue("/C=ca/O=hia/CN=old", ca, { notBefore: new Date(NOW.getTime() - 30 * day), notAfter: new Date(NOW.getTime() - day) })], /expired on 2026-06-30/],
    ["an expired proxy", () => [proxyOf(user, { notBefore: new Date(NOW.getTime() - 3 * day), notAfter: new Date(NOW.getTime() - 60_000) }), user], /proxy certificate .* expired/],
    ["a certificate not valid yet", () => [issue("/C=ca/O=hia/CN=future", ca, { notBefore: new Date(NOW.getTime() + day), notAfter: new Date(NOW.getTime() + 2 * day) })], /not valid before/],
    ["a certificate from an untrusted CA", () => [issue("/C=ca/O=hia/OU=cadc/CN=alice", otherCa)], /issued by \/C=ca\/O=evil\/CN=Other CA, which is not a CA this server trusts/],
    ["a self-signed certificate", () => [issue("/C=ca/O=hia/CN=alice", null)], /not a CA this server trusts/],
    ["a certificate naming the trusted CA but signed by another key", () => [issue("/C=ca/O=hia/CN=mallory", { ...otherCa, subject: ca.subject })], /not a CA this server trusts/],
    ["a proxy whose subject does not extend its issuer's", () => [issue("/C=ca/O=hia/OU=cadc/CN=bob/CN=1", user, { proxy: { pathLength: undefined, policyLanguage: OID_PPL_INHERIT_ALL } }), user], /plus one CN/],
    ["a proxy without the user certificate", () => [proxyOf(user)], /without the certificate that signed it/],
    ["a proxy signed by someone else's key", () => [proxyOf({ ...user, key: generateKeyPair().privateKey }), user], /signature .* does not verify/],
    ["a proxy signed directly by the CA", () => [proxyOf(ca), ca], /signed by a CA/],
    ["a proxy beyond its path length", () => { const p = proxyOf(user, { proxy: { pathLength: 0, policyLanguage: OID_PPL_INHERIT_ALL } }); return [proxyOf(p, {}, "2"), p, user]; }, /allows 0 further proxies/],
    ["an independent proxy", () => [proxyOf(user, { proxy: { pathLength: undefined, policyLanguage: OID_PPL_INDEPENDENT } }), user], /independent proxy/],
    ["a server-only certificate", () => [issue("/C=ca/O=hia/CN=web", ca, { extKeyUsage: ["1.3.6.1.5.5.7.3.1"] })], /client authentication/],
    ["a CA certificate as a user", () => [ca], /CA certificate, not a user certificate/],
    ["an unknown critical extension", () => [issue("/C=ca/O=hia/CN=odd", ca, { extraExtensions: [{ oid: "1.2.3.4.5", critical: true, value: new Uint8Array([5, 0]).buffer }] })], /critical extension/],
  ])("rejects %s with the reason", (_what, chain, reason) => {
    expect(() => verify(...chain())).toThrow(reason);
  });

  it("rejects an empty chain and garbage", () => {
    expect(() => verifier.verify([], NOW)).toThrow(/none was sent/);
    expect(() => verifier.verify([Buffer.from("not a certificate")], NOW)).toThrow(/could not be read/);
  });
});
