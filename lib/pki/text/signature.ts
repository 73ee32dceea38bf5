import { children, oidOf, type Tlv } from "../der";
import { signatureDump } from "./dump";
import { longName } from "./oids";
import { pssSignatureParams } from "./pss";

export function algorithmName(alg: Tlv): string {
  return longName(oidOf(children(alg)[0]!));
}

/**
 * X509_signature_print: the algorithm, PSS parameters when present, then (for the outer
 * signature) the value dumped 18 bytes a line.
 */
export function signatureBlock(prefix: string, alg: Tlv, value?: Uint8Array): string {
  const [oid, params] = children(alg);
  const pss = oidOf(oid!) === "1.2.840.113549.1.1.10";
  let out = `${prefix}    Signature Algorithm: ${algorithmName(alg)}`;
  if (value) out += "\n    Signature Value:";
  out += pss ? pssSignatureParams(params, 8) : "\n";
  if (value) out += signatureDump(value, 8);
  return out;
}
