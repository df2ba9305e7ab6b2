import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TEST_ROOT } from "./paths.js";

/**
 * The one test PKI: a certificate authority and credentials made with the `openssl`
 * command, the way a site CA and `cadc-get-cert` make them: CA → user certificate →
 * RFC 3820 proxy signed by the user certificate, and a `cadcproxy.pem` holding proxy
 * certificate, proxy key and user certificate, in that order; plus a server
 * certificate for 127.0.0.1 and localhost, for HTTPS fronts the tests start.
 * A certificate "from a CA nobody trusts" is a user of a second PKI.
 */
export interface TestPki {
  readonly dir: string;
  /** The CA certificate to pass as --client-ca (or to trust a server certificate). */
  readonly caFile: string;
  /** Issues a user certificate for `subject` (slash form) and a proxy from it. `name` names the files. */
  user(name: string, subject: string): TestCredentials;
  /** The server certificate for 127.0.0.1 and localhost, signed by the CA; made on first call, then the same files. */
  server(): ServerCredentials;
}

export interface TestCredentials {
  /** The user certificate. */
  readonly certFile: string;
  readonly keyFile: string;
  /** The user certificate and its key in one PEM, as clients take a `certificate` file. */
  readonly pemFile: string;
  /** proxy certificate + proxy key + user certificate, as cadc-get-cert writes ~/.ssl/cadcproxy.pem */
  readonly proxyFile: string;
  /** Issues a further proxy from this proxy (delegation), in the same file layout. */
  delegate(name: string): string;
}

export interface ServerCredentials {
  readonly certFile: string;
  readonly keyFile: string;
}

const openssl = (args: readonly string[], cwd: string) => execFileSync("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });

/** An openssl extension file for a proxy certificate with the inheritAll policy. */
const PROXY_EXT = "proxyCertInfo=critical,language:id-ppl-inheritAll\nkeyUsage=critical,digitalSignature,keyEncipherment\n";
const USER_EXT = "basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n";
const SERVER_EXT = "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n";

function issueProxy(dir: string, name: string, signerCert: string, signerKey: string, signerSubject: string, chainTail: string): string {
  const serial = String(100_000 + Math.floor(Math.random() * 900_000));
  openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.proxy.key`, "-out", `${name}.proxy.csr`, "-subj", `${signerSubject}/CN=${serial}`], dir);
  writeFileSync(join(dir, "proxy.ext"), PROXY_EXT);
  openssl(["x509", "-req", "-in", `${name}.proxy.csr`, "-CA", signerCert, "-CAkey", signerKey, "-set_serial", serial, "-days", "2", "-out", `${name}.proxy.pem`, "-extfile", "proxy.ext"], dir);
  const file = join(dir, `${name}.cadcproxy.pem`);
  writeFileSync(file, readFileSync(join(dir, `${name}.proxy.pem`), "utf8") + readFileSync(join(dir, `${name}.proxy.key`), "utf8") + chainTail, { mode: 0o600 });
  return file;
}

/** Writes `<name>.pem` and `<name>.key`: a certificate for `subject` signed by the CA, with these openssl extensions. */
function issueFromCa(dir: string, name: string, subject: string, extensions: string, days: number): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject], dir);
  openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", String(days), "-out", `${name}.pem`, "-extfile", `${name}.ext`], dir);
}

function freshDir(): string {
  mkdirSync(TEST_ROOT, { recursive: true });
  return mkdtempSync(join(TEST_ROOT, "pki-"));
}

/**
 * Makes a CA in `dir` (default: a fresh directory under the test root).
 * @param caSubject - two PKIs with the same CA subject but different keys test that trust is by key, not by name.
 */
export function createTestPki(dir = freshDir(), caSubject = "/C=ca/O=hia/CN=skyrun test CA"): TestPki {
  mkdirSync(dir, { recursive: true });
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-subj", caSubject, "-days", "30",
    "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], dir);
  let server: ServerCredentials | undefined;
  return {
    dir,
    caFile: join(dir, "ca.pem"),
    user(name, subject) {
      issueFromCa(dir, name, subject, USER_EXT, 10);
      const userPem = readFileSync(join(dir, `${name}.pem`), "utf8");
      const pemFile = join(dir, `${name}-with-key.pem`);
      writeFileSync(pemFile, userPem + readFileSync(join(dir, `${name}.key`), "utf8"), { mode: 0o600 });
      const proxyFile = issueProxy(dir, name, `${name}.pem`, `${name}.key`, subject, userPem);
      const proxySubject = execFileSync("openssl", ["x509", "-in", join(dir, `${name}.proxy.pem`), "-noout", "-subject", "-nameopt", "compat"], { encoding: "utf8" }).replace(/^subject=/, "").trim();
      return {
        certFile: join(dir, `${name}.pem`),
        keyFile: join(dir, `${name}.key`),
        pemFile,
        proxyFile,
        delegate: (child) => issueProxy(dir, child, `${name}.proxy.pem`, `${name}.proxy.key`, proxySubject, readFileSync(join(dir, `${name}.proxy.pem`), "utf8") + userPem),
      };
    },
    server() {
      if (!server) {
        issueFromCa(dir, "server", "/C=ca/O=hia/CN=127.0.0.1", SERVER_EXT, 10);
        server = { certFile: join(dir, "server.pem"), keyFile: join(dir, "server.key") };
      }
      return server;
    },
  };
}
