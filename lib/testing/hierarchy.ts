/** A root -> intermediate -> server leaf hierarchy built with lib/pki, for tests that need one. */
import { certificatePem, signCaCertificate, signLeafCertificate } from "../pki/certificate";
import type { KeyType } from "../pki/key-types";
import { generateKeyPair } from "../pki/keys";
import { keyPairSigner } from "../signers/webcrypto";
import { buildName } from "../pki/names";
import { computeValidity } from "../pki/profiles";
import { randomSerial } from "../pki/serial";

export async function buildTestHierarchy(keyType: KeyType, now = new Date()) {
  const rootKey = await generateKeyPair(keyType);
  const root = await signCaCertificate({
    subject: buildName({ commonName: `Test Root ${keyType}`, organization: "cadesk tests" }),
    publicKey: rootKey.keys.publicKey,
    selfSigner: await keyPairSigner(rootKey.keys, keyType),
    validity: computeValidity(3650, now),
    serialNumber: randomSerial(),
  });
  const intermediateKey = await generateKeyPair(keyType);
  const intermediate = await signCaCertificate({
    subject: buildName({ commonName: `Test Intermediate ${keyType}` }),
    publicKey: intermediateKey.keys.publicKey,
    issuer: { certificate: root, signer: await keyPairSigner(rootKey.keys, keyType) },
    pathLength: 0,
    validity: computeValidity(1825, now),
    serialNumber: randomSerial(),
  });
  const leafKey = await generateKeyPair(keyType);
  const leaf = await signLeafCertificate({
    issuer: { certificate: intermediate, signer: await keyPairSigner(intermediateKey.keys, keyType) },
    subject: buildName({ commonName: "api.example.com" }),
    publicKey: leafKey.keys.publicKey,
    sans: [{ type: "dns", value: "api.example.com" }],
    profile: "server",
    validity: computeValidity(90, now),
    serialNumber: randomSerial(),
  });
  const der = (c: { rawData: ArrayBuffer }) => new Uint8Array(c.rawData);
  return {
    root,
    intermediate,
    leaf,
    rootKey: rootKey.pkcs8,
    intermediateKey: intermediateKey.pkcs8,
    leafKey: leafKey.pkcs8,
    rootDer: der(root),
    intermediateDer: der(intermediate),
    leafDer: der(leaf),
    rootPem: certificatePem(root),
    intermediatePem: certificatePem(intermediate),
    leafPem: certificatePem(leaf),
  };
}
