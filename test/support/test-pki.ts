import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A certificate authority and user credentials made with the `openssl` command, the
 * way a site CA and `cadc-get-cert` make them: CA → user certificate → RFC 3820 proxy
 * signed by the user certificate, and a `cadcproxy.pem` holding proxy certificate,
 * proxy key and user certificate, in that order.
 */
export interface TestPki {
  readonly dir: string;
  /** The CA certificate to pass as --client-ca. */
  readonly caFile: string;
  /** Issues a user certificate for `subject` (slash form) and a proxy from it. */
  user(name: string, subject: string, o?: { proxyDays?: number }): TestCredentials;
}

export interface TestCredentials {
  readonly certFile: string;
  readonly keyFile: string;
  /** proxy certificate + proxy key + user certificate, as cadc-get-cert writes ~/.ssl/cadcproxy.pem */
  readonly proxyFile: string;
  /** Issues a further proxy from this proxy (delegation), in the same file layout. */
  delegate(name: string): string;
}

const openssl = (args: readonly string[], cwd: string) => execFileSync("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });

/** An openssl extension file for a proxy certificate with the inheritAll policy. */
const PROXY_EXT = "proxyCertInfo=critical,language:id-ppl-inheritAll\nkeyUsage=critical,digitalSignature,keyEncipherment\n";

function issueProxy(dir: string, name: string, signerCert: string, signerKey: string, signerSubject: string, chainTail: string): string {
  const serial = String(100_000 + Math.floor(Math.random() * 900_000));
  openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.proxy.key`, "-out", `${name}.proxy.csr`, "-subj", `${signerSubject}/CN=${serial}`], dir);
  writeFileSync(join(dir, "proxy.ext"), PROXY_EXT);
  openssl(["x509", "-req", "-in", `${name}.proxy.csr`, "-CA", signerCert, "-CAkey", signerKey, "-set_serial", serial, "-days", "2", "-out", `${name}.proxy.pem`, "-extfile", "proxy.ext"], dir);
  const file = join(dir, `${name}.cadcproxy.pem`);
  writeFileSync(file, readFileSync(join(dir, `${name}.proxy.pem`), "utf8") + readFileSync(join(dir, `${name}.proxy.key`), "utf8") + chainTail, { mode: 0o600 });
  return file;
}

export function createTestPki(dir: string, caSubject = "/C=ca/O=hia/CN=skyrun test CA"): TestPki {
  mkdirSync(dir, { recursive: true });
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-subj", caSubject, "-days", "30",
    "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], dir);
  writeFileSync(join(dir, "user.ext"), "basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n");
  return {
    dir,
    caFile: join(dir, "ca.pem"),
    user(name, subject) {
      openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject], dir);
      openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "10", "-out", `${name}.pem`, "-extfile", "user.ext"], dir);
      const userPem = readFileSync(join(dir, `${name}.pem`), "utf8");
      const proxyFile = issueProxy(dir, name, `${name}.pem`, `${name}.key`, subject, userPem);
      const proxySubject = execFileSync("openssl", ["x509", "-in", join(dir, `${name}.proxy.pem`), "-noout", "-subject", "-nameopt", "compat"], { encoding: "utf8" }).replace(/^subject=/, "").trim();
      return {
        certFile: join(dir, `${name}.pem`),
        keyFile: join(dir, `${name}.key`),
        proxyFile,
        delegate: (child) => issueProxy(dir, child, `${name}.proxy.pem`, `${name}.proxy.key`, proxySubject, readFileSync(join(dir, `${name}.proxy.pem`), "utf8") + userPem),
      };
    },
  };
}
