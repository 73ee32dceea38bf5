/** One validator for Inspect and the connection doctor: see verify.ts. */
export { verifyChain } from "./verify";
export { parseCertificate, CertificateParseError, type ParsedCertificate } from "./certificate";
export { serialKey } from "./revocation";
export type * from "./types";
export { VERIFY_CODES } from "./types";
