import { readFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { encodeRequest, type TestResponse } from "./http.js";

export interface TlsRequestOptions {
  /** CA file the server's certificate must chain to. */
  readonly caFile: string;
  /** A PEM file holding certificate(s) and key, as `curl -E` takes it (cadcproxy.pem). */
  readonly pemFile?: string;
  /** Separate certificate and key files, as `curl --cert --key` take them. */
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly token?: string;
  readonly form?: Record<string, string | string[]>;
  readonly headers?: Record<string, string>;
}

/** Splits a combined PEM into its certificates (in order) and its key. */
function splitPem(text: string): { cert: string; key: string } {
  const certs = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];
  const key = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----\n?/.exec(text)?.[0] ?? "";
  return { cert: certs.join(""), key };
}

/** One HTTPS request with a client certificate (or none), read whole; a fresh connection each time. */
export function tlsRequest(method: string, url: string, o: TlsRequestOptions): Promise<TestResponse> {
  const client = o.pemFile ? splitPem(readFileSync(o.pemFile, "utf8")) : o.certFile && o.keyFile ? { cert: readFileSync(o.certFile, "utf8"), key: readFileSync(o.keyFile, "utf8") } : undefined;
  const { headers, body } = encodeRequest(o);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, ca: readFileSync(o.caFile), ...(client ?? {}), agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") h.set(k, v);
        resolve({ status: res.statusCode ?? 0, headers: h, text, json: <T>() => JSON.parse(text) as T });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}
