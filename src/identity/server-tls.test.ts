import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateKeyPair, issueCertificate, privateKeyPem } from "./certificate-issuer.js";
import { prepareServerTls } from "./server-tls.js";

const none = { certFile: "", keyFile: "", clientCaFile: "" };
const fresh = () => mkdtempSync(join(process.env.SKYRUN_TEST_ROOT ?? tmpdir(), "tls-"));

describe("the server's certificate (issue 3)", () => {
  it("makes a CA and a server certificate for the given names, keys readable by root only", () => {
    const dir = fresh();
    const tls = prepareServerTls(none, dir, ["localhost", "127.0.0.1", "::1", "skyrun.example.org"], new Date());
    const cert = new X509Certificate(tls.cert);
    const ca = new X509Certificate(readFileSync(join(dir, "ca.pem")));
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkHost("skyrun.example.org")).toBe("skyrun.example.org");
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(cert.checkIP("::1")).toBeDefined();
    expect(tls.generatedCaFile).toBe(join(dir, "ca.pem"));
    for (const key of ["ca-key.pem", "server-key.pem"]) expect(statSync(join(dir, key)).mode & 0o777).toBe(0o600);
  });

  it("keeps the CA across restarts and re-issues the server certificate when the names change", () => {
    const dir = fresh();
    const first = prepareServerTls(none, dir, ["localhost"], new Date());
    const caBefore = readFileSync(join(dir, "ca.pem"), "utf8");
    const again = prepareServerTls(none, dir, ["localhost"], new Date());
    expect(again.cert.equals(first.cert)).toBe(true);
    const renamed = prepareServerTls(none, dir, ["localhost", "new.example.org"], new Date());
    expect(renamed.cert.equals(first.cert)).toBe(false);
    expect(readFileSync(join(dir, "ca.pem"), "utf8")).toBe(caBefore);
    const nearExpiry = prepareServerTls(none, dir, ["localhost", "new.example.org"], new Date(Date.now() + 380 * 86_400_000));
    expect(nearExpiry.cert.equals(renamed.cert)).toBe(false);
  });

  it("uses the operator's certificate and key, and says which file is wrong", () => {
    const dir = fresh();
    const { publicKey, privateKey } = generateKeyPair();
    const certFile = join(dir, "c.pem");
    const keyFile = join(dir, "k.pem");
    writeFileSync(certFile, issueCertificate({ subject: "/CN=skyrun.example.org", publicKey, selfKey: privateKey, notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000) }));
    writeFileSync(keyFile, privateKeyPem(privateKey));
    expect(prepareServerTls({ ...none, certFile, keyFile }, dir, [], new Date()).generatedCaFile).toBeUndefined();
    writeFileSync(keyFile, privateKeyPem(generateKeyPair().privateKey));
    expect(() => prepareServerTls({ ...none, certFile, keyFile }, dir, [], new Date())).toThrow(`--tls-key ${keyFile} is not the key of --tls-cert ${certFile}`);
    expect(() => prepareServerTls({ ...none, certFile: join(dir, "missing.pem"), keyFile }, dir, [], new Date())).toThrow(/--tls-cert .*missing.pem: cannot read it/);
    expect(() => prepareServerTls({ ...none, clientCaFile: keyFile }, dir, [], new Date())).toThrow(/--client-ca .* holds no PEM certificate/);
  });
});
