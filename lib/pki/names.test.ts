import { describe, expect, it } from "vitest";
import { buildName, guessSanType, normaliseDnsName, normaliseSans, parseSanText } from "./names";

describe("SAN validation", () => {
  it("normalises DNS names: case, trailing dot, IDN to punycode, wildcards", () => {
    expect(normaliseDnsName("API.Example.COM.")).toBe("api.example.com");
    expect(normaliseDnsName("bücher.example")).toBe("xn--bcher-kva.example");
    expect(normaliseDnsName("*.svc.cluster.local")).toBe("*.svc.cluster.local");
  });

  it.each([
    ["*.*.example.com", /wildcard may only be the whole leftmost label/],
    ["*", /not a valid host name|wildcard/],
    ["*.com", /at least two labels/],
    ["foo*.example.com", /wildcard/],
    ["bad host.example.com", /space or control character/],
    ["nul\u0000.example.com", /space or control character/],
    ["-lead.example.com", /label "-lead"/],
    ["a..b", /empty label/],
    ["under_score.example.com", /underscores/],
    ["x".repeat(64) + ".com", /label/],
  ])("refuses the DNS name %j, naming the problem", (value, message) => {
    expect(() => normaliseDnsName(value)).toThrow(message);
  });

  it("names the bad entry in the message", () => {
    expect(() => normaliseSans({ dns: ["ok.example.com", "bad..example.com"] })).toThrow('The DNS name "bad..example.com" is not valid');
    expect(() => normaliseSans({ ip: ["10.0.0.300"] })).toThrow('The IP address "10.0.0.300" is not valid');
    expect(() => normaliseSans({ email: ["no-at-sign"] })).toThrow(/e-mail address "no-at-sign"/);
    expect(() => normaliseSans({ uri: ["no scheme"] })).toThrow(/URI "no scheme"/);
  });

  it("canonicalises IPv6 and deduplicates", () => {
    expect(normaliseSans({ ip: ["2001:DB8:0:0:0:0:0:1", "2001:db8::1", "127.0.0.1"] })).toEqual([
      { type: "ip", value: "2001:db8::1" },
      { type: "ip", value: "127.0.0.1" },
    ]);
  });

  it("types free-text entries by their shape, like mkcert", () => {
    expect(parseSanText("api.example.com, 10.0.0.1\n::1,ops@example.com\r\n  spiffe://prod/billing  ,\n")).toEqual([
      { type: "dns", value: "api.example.com" },
      { type: "ip", value: "10.0.0.1" },
      { type: "ip", value: "::1" },
      { type: "email", value: "ops@example.com" },
      { type: "uri", value: "spiffe://prod/billing" },
    ]);
    expect(guessSanType("[fe80::1]")).toBe("ip");
  });

  it("refuses an entry with a space, naming it, instead of splitting it into two names", () => {
    expect(() => parseSanText("api.example.com\nhttp://x y")).toThrow('The entry "http://x y" contains a space');
    expect(() => parseSanText("a.example.com b.example.com")).toThrow(
      /"a\.example\.com b\.example\.com" contains a space.*one name per line/,
    );
    expect(() => parseSanText("a.example.com\tb.example.com")).toThrow(/contains a space/);
  });
});

describe("buildName", () => {
  it("orders attributes C, ST, L, O, OU, CN and drops empty ones", () => {
    expect(buildName({ commonName: "Root", organization: "Acme", country: "de", organizationalUnit: " " }).toString()).toBe(
      "C=DE, O=Acme, CN=Root",
    );
  });
});
