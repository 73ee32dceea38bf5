/**
 * The directly encoded subject Name (subject-name.ts) against x509.Name for the same input:
 * the same DER, DN text (the store's subjectDn), toJSON and fields, for every subject shape the
 * form builds (buildName) and openssl-made CSRs carry; the plain shapes really take the direct
 * path, the others really do not, and damaged DER is either read identically or left to x509.Name.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { opensslOk, tempDir } from "../testing/openssl";
import { x509 } from "./crypto-provider";
import { readCommonCsr } from "./csr-der";
import { buildName, type SubjectInput } from "./names";
import { DerName, nameDer, nameFromDer, nameFromJson } from "./subject-name";

const FIELDS = ["CN", "O", "OU", "L", "ST", "C", "E", "DC", "SN", "G", "I", "T", "2.5.4.3", "2.5.4.5"];

/** Everything the pipeline and the store read of a Name. */
function view(name: x509.Name) {
  return {
    der: Buffer.from(name.toArrayBuffer()).toString("hex"),
    text: name.toString(),
    json: name.toJSON(),
    fields: FIELDS.map((f) => name.getField(f)),
  };
}

const FORM_SUBJECTS: [string, SubjectInput, boolean][] = [
  ["CN only", { commonName: "api.example.com" }, true],
  ["CN with a space and digits", { commonName: "Billing Service 2" }, true],
  [
    "O, OU, L, ST, C",
    { commonName: "api", organization: "Acme Ltd", organizationalUnit: "Ops", locality: "Berlin", state: "Berlin", country: "de" },
    true,
  ],
  ["non-ASCII (UTF8String)", { commonName: "Zoë Müller", organization: "Bücher GmbH", organizationalUnit: "日本語" }, true],
  ["emoji", { commonName: "svc 🚀" }, true],
  ["not PrintableString: @ * & _ !", { commonName: "a@b*c&d_e!" }, true],
  ["PrintableString punctuation: ' ( ) + , - . / : = ?", { commonName: "O'Brien (x) +1, a-b./c:d=e?" }, true],
  ["RFC 4514 escapes: , + < > ;", { commonName: "a,b+c<d>e;f", organization: "x;y" }, true],
  ["a # inside, trailing space", { commonName: "tag #1", organization: "lead", organizationalUnit: "trail #" }, true],
  ["CR, LF and TAB (first one hex-escaped)", { commonName: "a\tb\tc", organization: "l1\nl2\r" }, true],
  ["a double quote (left to x509.Name)", { commonName: 'say "hi" now' }, false],
  ["a backslash (left to x509.Name)", { commonName: "dom\\user" }, false],
  ["surrounding whitespace trimmed", { commonName: "  api  ", organization: " " }, true],
];

describe("nameFromJson (the form's buildName)", () => {
  it.each(FORM_SUBJECTS)("%s: the same Name as x509.Name", (_label, input, direct) => {
    const name = buildName(input);
    expect(name instanceof DerName).toBe(direct);
    const rdns: Record<string, string[]>[] = JSON.parse(JSON.stringify(name.toJSON()));
    expect(view(name)).toEqual(view(new x509.Name(rdns)));
    expect(Buffer.from(nameDer(name)).toString("hex")).toBe(Buffer.from(new x509.Name(rdns).toArrayBuffer()).toString("hex"));
    // x509.Name's private ASN.1 object too, for code inside @peculiar/x509 that reads it.
    const asn = (n: x509.Name) => (n as unknown as { asn: unknown }).asn;
    expect(asn(name)).toEqual(asn(new x509.Name(rdns)));
  });

  it("the same Name for every other plain JSON shape, including E and DC (IA5String) and an empty subject", () => {
    const shapes: Record<string, string[]>[][] = [
      [],
      [{ DC: ["com"] }, { DC: ["example"] }, { CN: ["www"] }],
      [{ E: ["ops@example.com"] }, { CN: ["ops"] }],
      [{ SN: ["Müller"] }, { G: ["Zoë"] }, { I: ["ZM"] }, { T: ["Dr"] }],
      [{ C: ["US"] }, { O: ["A"] }, { O: ["B"] }, { CN: ["two O"] }],
    ];
    for (const json of shapes) {
      const name = nameFromJson(json);
      expect(name).toBeInstanceOf(DerName);
      expect(view(name)).toEqual(view(new x509.Name(json)));
    }
  });

  it("leaves to x509.Name what it treats specially: multi-valued RDNs, unnamed types, '#' hex, empty and non-ASCII IA5 values", () => {
    const shapes: Record<string, string[]>[][] = [
      [{ CN: ["a"], O: ["b"] }],
      [{ CN: ["a", "b"] }],
      [{ "2.5.4.5": ["1234"] }],
      [{ CN: ["#0c0161"] }],
      [{ CN: [""] }],
      [{ E: ["zoë@example.com"] }],
    ];
    for (const json of shapes) {
      const name = nameFromJson(json);
      expect(name).not.toBeInstanceOf(DerName);
      expect(view(name)).toEqual(view(new x509.Name(json)));
    }
    // A lone surrogate has no UTF-8 form: x509.Name's error when it is encoded, as before.
    const lone = nameFromJson([{ CN: ["bad \ud800"] }]);
    expect(lone).not.toBeInstanceOf(DerName);
    expect(() => lone.toArrayBuffer()).toThrow(URIError);
    // A value starting with "#" is hex to x509.Name: the form's "#tag" fails there as it always did.
    expect(() => buildName({ commonName: "#tag" })).toThrow(/HEX/);
  });
});

const dir = tempDir("cadesk-subject-name-");
opensslOk(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path.join(dir, "k.pem")]);
let n = 0;

/** The subject DER of an openssl-made CSR. */
function opensslSubject(subj: string, extra: string[] = []): Uint8Array<ArrayBuffer> {
  const out = path.join(dir, `r${n++}.csr`);
  opensslOk(["req", "-new", "-key", path.join(dir, "k.pem"), "-subj", subj, ...extra, "-outform", "DER", "-out", out]);
  return new Uint8Array(readCommonCsr(new Uint8Array(readFileSync(out)))!.subjectDer);
}

const CSR_SUBJECTS: [string, string, string[], boolean][] = [
  ["CN only", "/CN=svc.example.com", [], true],
  ["the full DN (C is PrintableString, the rest UTF8String)", "/C=DE/ST=Berlin/L=Berlin/O=Acme Ltd/OU=Ops/CN=api", [], true],
  ["non-ASCII", "/O=Bücher GmbH/CN=Zoë 日本", ["-utf8"], true],
  ["escapes", "/O=a\\,b+c<d>e;f/CN= #lead and trail ", [], true],
  ["quotes and backslashes (read, not rewritten)", '/CN=say "hi" \\\\ now', [], true],
  ["emailAddress and DC (IA5String)", "/DC=com/DC=example/CN=www/emailAddress=ops@example.com", [], true],
  ["empty subject", "/", [], true],
  ["multi-valued RDN", "/O=Acme/CN=a+OU=b", ["-multivalue-rdn"], false],
  ["serialNumber (a type x509.Name shows by OID)", "/CN=a/serialNumber=1234", [], false],
  ["PrintableString everywhere (string_mask default)", "/C=US/O=Acme/CN=api", ["-reqopt", "no_header"], true],
];

describe("nameFromDer (a CSR's subject)", () => {
  it.each(CSR_SUBJECTS)("%s: the same Name as x509.Name", (_label, subj, extra, direct) => {
    const der = opensslSubject(subj, extra);
    const name = nameFromDer(der);
    expect(name !== undefined).toBe(direct);
    if (name) {
      expect(view(name)).toEqual(view(new x509.Name(der)));
      expect(Buffer.from(name.der).equals(Buffer.from(der))).toBe(true);
    }
  });

  it("reads string types x509.Name chooses itself (PrintableString, IA5String, UTF8String) and leaves BMPString to it", () => {
    const typed = (value: Record<string, string>) => new Uint8Array(new x509.Name([{ CN: [value] }] as never).toArrayBuffer());
    for (const value of [{ printableString: "abc" }, { ia5String: "a@b" }, { utf8String: "ü" }] as Record<string, string>[]) {
      const der = typed(value);
      expect(view(nameFromDer(der)!)).toEqual(view(new x509.Name(der)));
    }
    expect(nameFromDer(typed({ bmpString: "abc" }))).toBeUndefined();
  });

  it("damaged DER: read exactly as x509.Name reads it, or left to x509.Name", () => {
    const samples = [opensslSubject("/C=DE/O=Acme/CN=api.example.com"), opensslSubject("/O=Bücher/CN=Zoë", ["-utf8"])];
    let direct = 0;
    for (const original of samples) {
      for (let i = 0; i < original.length; i++) {
        for (const b of [0x00, 0x01, 0x0c, 0x13, 0x16, 0x30, 0x31, 0x7f, 0x80, 0x81, 0xc3, 0xff]) {
          const der = Uint8Array.from(original);
          if (der[i] === b) continue;
          der[i] = b;
          const name = nameFromDer(der);
          if (!name) continue;
          direct++;
          expect(view(name)).toEqual(view(new x509.Name(der)));
        }
      }
    }
    expect(direct).toBeGreaterThan(50);
  });

  it("the DER it keeps is the input's, and a non-minimal length is left to x509.Name", () => {
    const der = opensslSubject("/CN=abc");
    expect(Buffer.from(nameFromDer(der)!.toArrayBuffer()).equals(Buffer.from(der))).toBe(true);
    // 30 0e 31 0c 30 0a 06 03 55 04 03 0c 03 'abc' with the outer length in long form (81 0e).
    const long = Uint8Array.from([0x30, 0x81, ...der.subarray(1)]);
    expect(nameFromDer(long)).toBeUndefined();
  });
});
