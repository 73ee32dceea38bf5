/**
 * OCSP responses from precomputed DER parts (issue #13): byte for byte what the earlier
 * node-forge encoder wrote for the same inputs (kept here as the oracle, with a fixed signature so
 * ECDSA compares too), and real ones, signed with a node:crypto key, verified by `openssl ocsp`.
 */
import { createPrivateKey, sign } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import forge from "node-forge";
import { describe, expect, it } from "vitest";
import { openssl, opensslOk, tempDir } from "../testing/openssl";
import { EC_P256, opensslSelfSigned } from "../testing/openssl-pki";
import {
  issuerHashes,
  matchesIssuer,
  ocspErrorResponse,
  parseOcspRequest,
  responderParts,
  signOcspResponse,
  type CertStatus,
} from "./ocsp";
import { OCSP, SIGNATURE } from "./oids";
import { parsePemBlocks } from "./pem";
import { REASON_CODES } from "./revocation-reasons";

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;
type Node = forge.asn1.Asn1;
const bin = (b: Uint8Array) => Buffer.from(b).toString("binary");
const seq = (...items: Node[]) => asn1.create(U, T.SEQUENCE, true, items);
const oid = (v: string) => asn1.create(U, T.OID, false, asn1.oidToDer(v).getBytes());
const octets = (b: Uint8Array) => asn1.create(U, T.OCTETSTRING, false, bin(b));
const explicit = (tag: number, node: Node) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, [node]);
const genTime = (d: Date) =>
  asn1.create(
    U,
    T.GENERALIZEDTIME,
    false,
    d
      .toISOString()
      .replace(/[-:T]/g, "")
      .replace(/\.\d+Z$/, "Z"),
  );
const enumerated = (n: number) => asn1.create(U, T.ENUMERATED, false, String.fromCharCode(n));
const der = (node: Node) => Buffer.from(asn1.toDer(node).getBytes(), "binary");
const raw = (bytes: Uint8Array) => asn1.fromDer(forge.util.createBuffer(bin(bytes)));

/** The encoder cadesk used before issue #13 (node-forge), as the oracle. */
function forgeResponse(p: {
  keyHash: Buffer;
  certificateDer: Uint8Array;
  responses: { certIdDer: Uint8Array; status: CertStatus }[];
  nonce?: Uint8Array;
  now: Date;
  nextUpdate: Date;
  signature: Uint8Array;
  rsa: boolean;
}): Buffer {
  const singles = p.responses.map(({ certIdDer, status }) => {
    const certStatus =
      status.status === "good"
        ? asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, "")
        : status.status === "unknown"
          ? asn1.create(asn1.Class.CONTEXT_SPECIFIC, 2, false, "")
          : asn1.create(asn1.Class.CONTEXT_SPECIFIC, 1, true, [
              genTime(status.revokedAt),
              ...(status.reason === "unspecified" ? [] : [explicit(0, enumerated(REASON_CODES[status.reason]))]),
            ]);
    return seq(raw(certIdDer), certStatus, genTime(p.now), explicit(0, genTime(p.nextUpdate)));
  });
  const responseData = seq(
    explicit(2, octets(p.keyHash)),
    genTime(p.now),
    seq(...singles),
    ...(p.nonce ? [explicit(1, seq(seq(oid(OCSP.nonce), octets(p.nonce))))] : []),
  );
  const sigAlg = p.rsa ? seq(oid(SIGNATURE.sha256WithRsa), asn1.create(U, T.NULL, false, "")) : seq(oid(SIGNATURE.ecdsaWithSha256));
  const basic = seq(
    responseData,
    sigAlg,
    asn1.create(U, T.BITSTRING, false, "\x00" + bin(p.signature)),
    explicit(0, seq(raw(p.certificateDer))),
  );
  return der(seq(enumerated(0), explicit(0, seq(oid(OCSP.basic), octets(der(basic))))));
}

function setUp(newkey = EC_P256) {
  const dir = tempDir("cadesk-ocsp-der-");
  const ca = opensslSelfSigned(dir, "ca", { subject: "/CN=OCSP DER Test CA/O=cadesk", newkey });
  const caDer = parsePemBlocks(readFileSync(ca.out, "utf8"))[0]!.der;
  const request = (args: string[]) => {
    opensslOk(["ocsp", "-issuer", ca.out, ...args, "-reqout", `${dir}/req.der`]);
    return new Uint8Array(readFileSync(`${dir}/req.der`));
  };
  return { dir, ca, caDer, request };
}

const now = new Date("2026-06-01T12:00:00Z");
const nextUpdate = new Date("2026-06-01T13:00:00Z");
const revokedAt = new Date("2026-05-30T08:09:10Z");

describe("OCSP requests and responses", () => {
  it("reads openssl's requests (SHA-1 and SHA-256 CertIDs, several serials, nonce) and matches the issuer by its hashes", () => {
    const { request, caDer } = setUp();
    const parsed = parseOcspRequest(request(["-sha256", "-serial", "0x0a1b", "-serial", "0x80ff"]))!;
    expect(parsed.certIds.map((c) => [c.hash, c.serialHex])).toEqual([
      ["sha256", "0a1b"],
      ["sha256", "80ff"],
    ]);
    expect(parsed.nonce?.length).toBeGreaterThan(8);
    const hashes = issuerHashes(caDer);
    expect(parsed.certIds.every((id) => matchesIssuer(id, hashes) && matchesIssuer(id, caDer))).toBe(true);
    const sha1 = parseOcspRequest(request(["-serial", "5", "-no_nonce"]))!;
    expect(sha1.certIds[0]!.hash).toBe("sha1");
    expect(sha1.nonce).toBeUndefined();
    expect(matchesIssuer(sha1.certIds[0]!, hashes)).toBe(true);
    const other = setUp();
    expect(matchesIssuer(sha1.certIds[0]!, issuerHashes(other.caDer))).toBe(false);
    expect(parseOcspRequest(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]))).toBeNull();
  });

  it.each([
    ["ECDSA", EC_P256, false],
    ["RSA", ["-newkey", "rsa:2048"], true],
  ] as const)(
    "encodes every status, with and without a nonce, exactly as the forge encoder did (%s responder)",
    async (_n, newkey, rsa) => {
      const { request, caDer } = setUp([...newkey]);
      const signature = new Uint8Array(rsa ? 256 : 71).map((_, i) => (i * 37 + 11) & 0xff);
      const parts = responderParts(caDer, rsa ? SIGNATURE.sha256WithRsa : SIGNATURE.ecdsaWithSha256, () => signature);
      const keyHash = parts.responderId.subarray(4);
      for (const args of [["-no_nonce"], []]) {
        const parsed = parseOcspRequest(request(["-serial", "0x01", "-serial", "0x02", "-serial", "0x03", "-serial", "0x04", ...args]))!;
        const statuses: CertStatus[] = [
          { status: "good" },
          { status: "unknown" },
          { status: "revoked", revokedAt, reason: "keyCompromise" },
          { status: "revoked", revokedAt, reason: "unspecified" },
        ];
        const responses = parsed.certIds.map((certId, i) => ({ certId, status: statuses[i]! }));
        const ours = await signOcspResponse({ responder: parts, responses, nonce: parsed.nonce, now, nextUpdate });
        const theirs = forgeResponse({
          keyHash,
          certificateDer: caDer,
          responses: responses.map((r) => ({ certIdDer: r.certId.der, status: r.status })),
          nonce: parsed.nonce,
          now,
          nextUpdate,
          signature,
          rsa,
        });
        expect(Buffer.from(ours).toString("hex")).toBe(theirs.toString("hex"));
      }
      for (const status of ["malformedRequest", "internalError", "tryLater", "sigRequired", "unauthorized"] as const) {
        expect(Buffer.from(ocspErrorResponse(status)).toString("hex")).toBe(
          der(seq(enumerated({ malformedRequest: 1, internalError: 2, tryLater: 3, sigRequired: 5, unauthorized: 6 }[status]))).toString(
            "hex",
          ),
        );
      }
    },
  );

  it("signs with a node:crypto key in a response openssl verifies (nonce echoed, revoked with reason)", async () => {
    const { dir, ca, caDer, request } = setUp();
    const key = createPrivateKey(readFileSync(ca.key));
    const parts = responderParts(caDer, SIGNATURE.ecdsaWithSha256, (tbs) => sign("sha256", tbs, { key, dsaEncoding: "der" }));
    const req = request(["-serial", "0x1234"]);
    const parsed = parseOcspRequest(req)!;
    const response = await signOcspResponse({
      responder: parts,
      responses: [{ certId: parsed.certIds[0]!, status: { status: "revoked", revokedAt, reason: "superseded" } }],
      nonce: parsed.nonce,
      now: new Date(Math.floor(Date.now() / 1000) * 1000),
      nextUpdate: new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000),
    });
    writeFileSync(`${dir}/resp.der`, response);
    const r = openssl(["ocsp", "-reqin", `${dir}/req.der`, "-respin", `${dir}/resp.der`, "-CAfile", ca.out, "-resp_text"]);
    const out = r.stdout + r.stderr;
    expect(out).toContain("Response verify OK");
    expect(out).toContain("Cert Status: revoked");
    expect(out).toContain("Revocation Reason: superseded (0x4)");
    expect(out).toContain("OCSP Nonce");
    expect(out).not.toContain("Nonce Verify error");
  });
});
