import { describe, expect, it } from "vitest";
import { toTransportError } from "./http-transport.js";

/** What undici's fetch throws: a TypeError whose cause is the socket's error. */
const fetchFailed = (code: string, message = "") => Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error(message), { code }) });

describe("classifying transport failures", () => {
  it("tells a refused or unknown host (nothing sent) from a broken connection", () => {
    expect(toTransportError(fetchFailed("ECONNREFUSED"), "http://h:1/skaha/v1/session")).toMatchObject({ name: "ConnectionError", code: "ECONNREFUSED", beforeSending: true, message: "Cannot reach http://h:1: connection refused." });
    expect(toTransportError(fetchFailed("ENOTFOUND"), "http://nowhere/x")).toMatchObject({ beforeSending: true, message: "Cannot reach http://nowhere: host name not found." });
    expect(toTransportError(fetchFailed("UND_ERR_SOCKET", "other side closed"), "http://h/x")).toMatchObject({ beforeSending: false, message: "Cannot reach http://h: connection closed by the server." });
  });

  it("finds the code inside an AggregateError (several addresses tried)", () => {
    const e = Object.assign(new TypeError("fetch failed"), { cause: new AggregateError([Object.assign(new Error("x"), { code: "ECONNREFUSED" })], "all failed") });
    expect(toTransportError(e, "http://localhost:9999/x")).toMatchObject({ code: "ECONNREFUSED", beforeSending: true });
  });

  it("names the TLS problem and what would fix it", () => {
    expect(toTransportError(fetchFailed("UNABLE_TO_VERIFY_LEAF_SIGNATURE"), "https://h/x")).toMatchObject({ name: "TlsError", hint: "ca" });
    expect(toTransportError(fetchFailed("DEPTH_ZERO_SELF_SIGNED_CERT"), "https://h/x")).toMatchObject({ hint: "ca" });
    expect(toTransportError(fetchFailed("ERR_TLS_CERT_ALTNAME_INVALID", "IP: 10.0.0.1 is not in the cert's list"), "https://h/x")).toMatchObject({ hint: "hostname" });
    expect(toTransportError(fetchFailed("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"), "https://h/x")).toMatchObject({ hint: "client-certificate" });
    expect(toTransportError(fetchFailed("ERR_SSL_WRONG_VERSION_NUMBER"), "https://h/x").message).toContain("try http://");
  });

  it("suggests a client certificate when an HTTPS server closes on a client that offered none", () => {
    expect(toTransportError(fetchFailed("UND_ERR_SOCKET"), "https://h/x", false).message).toContain("may want a client certificate");
    expect(toTransportError(fetchFailed("UND_ERR_SOCKET"), "https://h/x", true).message).not.toContain("certificate");
    expect(toTransportError(fetchFailed("UND_ERR_SOCKET"), "http://h/x", false).message).not.toContain("certificate");
  });
});
