import { describe, expect, it } from "vitest";
import { canonicalDnOf, displayDn, extendsByOneCn, parseDn } from "./distinguished-name.js";

describe("distinguished names (issue 3)", () => {
  const canonical = "cn=alice,ou=cadc,o=hia,c=ca";

  it.each([
    ["OpenSSL's slash form", "/C=ca/O=hia/OU=cadc/CN=alice"],
    ["RFC 4514", "CN=alice,OU=cadc,O=hia,C=ca"],
    ["RFC 4514 with spaces and another case", "cn=Alice, ou=CADC, o=HIA, c=CA"],
    ["OpenSSL's display form", "C = ca, O = hia, OU = cadc, CN = alice"],
    ["RFC 2253 quotes and ';'", 'CN="alice";OU=cadc;O=hia;C=ca'],
    ["OIDs for types", "2.5.4.3=alice,2.5.4.11=cadc,2.5.4.10=hia,2.5.4.6=ca"],
  ])("reads %s as the same subject", (_what, text) => {
    expect(canonicalDnOf(text)).toBe(canonical);
  });

  it("keeps escaped separators inside values", () => {
    expect(canonicalDnOf("CN=Smith\\, John,O=Big\\+Co,C=ca")).toBe("cn=smith\\, john,o=big\\+co,c=ca");
    expect(canonicalDnOf("/C=ca/O=Grid\\/Org/CN=bob")).toBe("cn=bob,o=grid/org,c=ca");
    expect(canonicalDnOf("CN=caf\\C3\\A9,C=ca")).toBe("cn=café,c=ca");
  });

  it("sorts multi-valued RDNs so their order does not matter", () => {
    expect(canonicalDnOf("CN=alice+UID=42,C=ca")).toBe(canonicalDnOf("UID=42+CN=alice,C=ca"));
  });

  it("refuses text that is not a DN, naming it", () => {
    expect(() => parseDn("alice")).toThrow(/DN "alice".*TYPE=value/);
    expect(() => parseDn("")).toThrow(/empty/);
    expect(() => parseDn("CN=,C=ca")).toThrow(/empty value/);
    expect(() => parseDn("C N=x")).toThrow(/not an attribute type/);
  });

  it("shows DNs in the slash form with their case", () => {
    expect(displayDn(parseDn("CN=Alice,OU=cadc,O=hia,C=ca"))).toBe("/C=ca/O=hia/OU=cadc/CN=Alice");
  });

  it("tells a proxy subject (issuer plus one CN) from anything else", () => {
    const user = parseDn("/C=ca/O=hia/CN=alice");
    expect(extendsByOneCn(parseDn("/C=ca/O=hia/CN=alice/CN=12345"), user)).toBe(true);
    expect(extendsByOneCn(parseDn("/C=ca/O=hia/CN=bob/CN=12345"), user)).toBe(false);
    expect(extendsByOneCn(parseDn("/C=ca/O=hia/CN=alice/OU=12345"), user)).toBe(false);
    expect(extendsByOneCn(parseDn("/C=ca/O=hia/CN=alice/CN=1/CN=2"), user)).toBe(false);
  });
});
