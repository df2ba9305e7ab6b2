import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rootCertificates } from "node:tls";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTlsMaterial } from "./tls-credentials.js";

let dir: string;
const path = (f: string) => join(dir, f);
const read = (f: string) => readFileSync(path(f), "utf8");

beforeAll(() => {
  const root = process.env.SKYRUN_TEST_ROOT ?? tmpdir();
  mkdirSync(root, { recursive: true });
  dir = mkdtempSync(join(root, "tls-unit-"));
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  openssl("req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-subj", "/CN=ca", "-days", "2", "-out", "ca.pem");
  openssl("req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "me.key", "-subj", "/CN=me", "-days", "1", "-out", "me.pem");
  openssl("pkcs8", "-topk8", "-in", "me.key", "-passout", "pass:secret", "-out", "me.enc.key");
  // Proxy-style file: certificate, key, then chain, as cadc-get-cert writes it.
  writeFileSync(path("proxy.pem"), read("me.pem") + read("me.key") + read("ca.pem"));
  writeFileSync(path("encrypted.pem"), read("me.pem") + read("me.enc.key"));
});

describe("client certificate files", () => {
  it("splits a proxy file into the certificate chain (leaf first) and the key", () => {
    const m = loadTlsMaterial({ certificate: path("proxy.pem") });
    expect(m.cert).toBe(read("me.pem") + read("ca.pem"));
    expect(m.key).toBe(read("me.key"));
    expect(m.certificateExpires!.getTime()).toBeGreaterThan(Date.now());
    expect(m.ca).toBeUndefined();
  });

  it("takes the key from its own file, and adds a CA file to the system's roots", () => {
    const m = loadTlsMaterial({ certificate: path("me.pem"), keyFile: path("me.key"), caFile: path("ca.pem") });
    expect(m.key).toBe(read("me.key"));
    expect(m.ca).toHaveLength(rootCertificates.length + 1);
    expect(m.ca!.at(-1)).toBe(read("ca.pem"));
  });

  it("refuses an expired or not yet valid certificate with its dates, before connecting", () => {
    const inTwoDays = new Date(Date.now() + 2 * 86_400_000);
    expect(() => loadTlsMaterial({ certificate: path("proxy.pem") }, inTwoDays)).toThrow(/expired on \d{4}-\d\d-\d\dT[\d:]+Z; get a new one/);
    expect(() => loadTlsMaterial({ certificate: path("proxy.pem") }, new Date(Date.now() - 86_400_000))).toThrow(/not valid before .*clock/);
  });

  it("names the file and the problem: missing, no key, encrypted key, no certificate", () => {
    expect(() => loadTlsMaterial({ certificate: path("nope.pem") })).toThrow(`The certificate file ${path("nope.pem")} does not exist.`);
    expect(() => loadTlsMaterial({ certificate: path("me.pem") })).toThrow(/holds no private key/);
    expect(() => loadTlsMaterial({ certificate: path("encrypted.pem") })).toThrow(/is encrypted/);
    expect(() => loadTlsMaterial({ certificate: path("me.key") })).toThrow(/holds no PEM certificate/);
    expect(() => loadTlsMaterial({ caFile: path("me.key") })).toThrow(/holds no PEM CA certificate/);
  });
});
