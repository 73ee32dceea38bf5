/** A TLS CA for test servers that cadesk reaches as a client (made by lib/pki; see global-setup.ts). */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { certificatePem, signCaCertificate } from "../pki/certificate";
import { generateKeyPair, privateKeyPem } from "../pki/keys";
import { buildName } from "../pki/names";
import { computeValidity } from "../pki/profiles";
import { randomSerial } from "../pki/serial";
import { keyPairSigner } from "../signers/webcrypto";

/** A TLS CA for test servers, written as ca.pem (for NODE_EXTRA_CA_CERTS) and ca-key.pem. */
export async function writeTestTlsCa(dir: string): Promise<{ certFile: string; keyFile: string }> {
  mkdirSync(dir, { recursive: true });
  const key = await generateKeyPair("ecdsa-p256");
  const ca = await signCaCertificate({
    subject: buildName({ commonName: "cadesk test TLS CA", organization: "cadesk tests" }),
    publicKey: key.keys.publicKey,
    selfSigner: await keyPairSigner(key.keys, "ecdsa-p256"),
    validity: computeValidity(30, new Date()),
    serialNumber: randomSerial(),
  });
  const certFile = path.join(dir, "ca.pem");
  const keyFile = path.join(dir, "ca-key.pem");
  writeFileSync(certFile, certificatePem(ca));
  writeFileSync(keyFile, privateKeyPem(key.pkcs8), { mode: 0o600 });
  return { certFile, keyFile };
}
