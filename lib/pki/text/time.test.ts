/**
 * UTCTime and GeneralizedTime: printed as OpenSSL 3.0 prints them (including "Bad time value"),
 * and refused unless they follow RFC 5280 4.1.2.5. The impossible dates are the ones Inspect
 * used to print ("Aug 36 07:20:35 2015", "Dec 39 69:11:76 2000").
 */
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AppError } from "../../errors";
import { detectObjects } from "../inspect/detect";
import { parsePemBlocks } from "../pem";
import { at, encodeTree, parseTree, tlv } from "../../testing/der-tree";
import { openssl, opensslOk, tempDir } from "../../testing/openssl";
import { opensslSelfSigned } from "../../testing/openssl-pki";
import { TAG, type Tlv } from "../der";
import { printTime, timeProblem } from "./time";

const node = (tag: number, text: string): Tlv => {
  const value = new Uint8Array(Buffer.from(text, "latin1"));
  return { tag, value, der: value, cls: "universal", constructed: false, tagNumber: tag };
};

describe("timeProblem (RFC 5280 4.1.2.5)", () => {
  it.each([
    [TAG.UTCTime, "150806072035Z", null],
    [TAG.GeneralizedTime, "20500101000000Z", null],
    [TAG.UTCTime, "160229000000Z", null], // a leap day
    [TAG.UTCTime, "150836072035Z", "the CRL's nextUpdate is 2015-08-36 07:20:35, not a real date: August 2015 has 31 days, not 36"],
    [TAG.UTCTime, "001239691176Z", "is 2000-12-39 69:11:76, not a real date: December 2000 has 31 days, not 39"],
    [TAG.UTCTime, "150229000000Z", "February 2015 has 28 days, not 29"],
    [TAG.GeneralizedTime, "21000229000000Z", "February 2100 has 28 days, not 29"],
    [TAG.UTCTime, "151306072035Z", "there is no month 13"],
    [TAG.UTCTime, "150806240000Z", "there is no hour 24"],
    [TAG.UTCTime, "150806072060Z", "there is no second 60"],
    [TAG.UTCTime, "1508060720Z", "leaves out the seconds"],
    [TAG.UTCTime, "150806072035+0100", "is in local time (+0100)"],
    [TAG.UTCTime, "150806072035", "is missing its Z (UTC)"],
    [TAG.GeneralizedTime, "20150806072035.5Z", "has fractional seconds"],
    [TAG.GeneralizedTime, "2015080607Z", "is not a time"],
    [TAG.UTCTime, "15O806072035Z", "is not a time"],
  ])("%i %s", (tag, text, expected) => {
    const problem = timeProblem(node(tag, text), "the CRL's nextUpdate");
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toContain(expected);
  });
});

describe("printTime against openssl", () => {
  it("prints what OpenSSL prints, 'Bad time value' included", () => {
    const dir = tempDir("cadesk-time-");
    opensslOk(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", `${dir}/k.pem`]);
    const pem = opensslOk(["req", "-x509", "-key", `${dir}/k.pem`, "-subj", "/CN=time", "-days", "1"]);
    const cert = parseTree(parsePemBlocks(pem)[0]!.der);
    const samples: [number, string][] = [
      [TAG.UTCTime, "150806072035Z"],
      [TAG.UTCTime, "150836072035Z"],
      [TAG.UTCTime, "1508060720Z"],
      [TAG.UTCTime, "150806072035+0130"],
      [TAG.UTCTime, "150806002035-0100"],
      [TAG.UTCTime, "150806072035"],
      [TAG.GeneralizedTime, "20150806072035.25Z"],
      [TAG.GeneralizedTime, "00000101000000Z"],
      [TAG.GeneralizedTime, "201508060720Z"],
      [TAG.UTCTime, "991231235959Z"],
      [TAG.UTCTime, "500101000000Z"],
    ];
    for (const [tag, text] of samples) {
      at(cert, [0, 4]).children![0] = tlv(tag, Buffer.from(text, "latin1"));
      const r = openssl(["x509", "-inform", "DER", "-noout", "-startdate"], encodeTree(cert));
      expect(r.status, r.stderr).toBe(0);
      expect(`notBefore=${printTime(node(tag, text))}\n`, text).toBe(r.stdout);
    }
  });
});

describe("Inspect refuses impossible dates", () => {
  it("names the field and the date", () => {
    const dir = tempDir("cadesk-time-crl-");
    opensslSelfSigned(dir, "ca", { subject: "/CN=CRL Time" });
    const config = `${dir}/ca.cnf`;
    writeFileSync(
      config,
      `[ca]\ndefault_ca=d\n[d]\ndatabase=${dir}/index.txt\ncrlnumber=${dir}/crlnumber\ndefault_md=sha256\ndefault_crl_days=7\n`,
    );
    writeFileSync(`${dir}/index.txt`, "");
    writeFileSync(`${dir}/crlnumber`, "01\n");
    opensslOk(["ca", "-config", config, "-gencrl", "-keyfile", `${dir}/ca.key`, "-cert", `${dir}/ca.pem`, "-out", `${dir}/crl.pem`]);
    const crl = parseTree(parsePemBlocks(readFileSync(`${dir}/crl.pem`, "utf8"))[0]!.der);
    // TBSCertList: version, signature, issuer, thisUpdate, nextUpdate
    at(crl, [0]).children![4] = tlv(TAG.UTCTime, Buffer.from("150836072035Z"));
    const refuse = () => detectObjects(encodeTree(crl));
    expect(refuse).toThrow(AppError);
    expect(refuse).toThrow(
      "DER file is not a valid CRL: the CRL's nextUpdate is 2015-08-36 07:20:35, not a real date: August 2015 has 31 days",
    );
    at(crl, [0]).children![3] = tlv(TAG.UTCTime, Buffer.from("001239691176Z"));
    expect(refuse).toThrow("the CRL's thisUpdate is 2000-12-39 69:11:76, not a real date");
  });
});
