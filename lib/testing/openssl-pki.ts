/**
 * Keys, CSRs, CAs and leaves made by the real `openssl` binary, for tests that need certificates
 * from outside cadesk (a CSR as a client would send it, a CA to import, a leaf to lint). Every
 * key is EC P-256 unless the caller passes other `-newkey` arguments; files go into `dir`.
 */
import { opensslOk, writeFiles } from "./openssl";

/** `-newkey` arguments for an EC P-256 key, the default everywhere here. */
export const EC_P256 = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];

export interface OpensslFiles {
  /** Path of the private key (PEM, unencrypted). */
  key: string;
  /** Path of the CSR or certificate. */
  out: string;
}

interface ReqOptions {
  /** `-subj` value, e.g. "/CN=api.example.com" ("/" for an empty subject). */
  subject: string;
  /** More `openssl req` arguments: "-addext", "-days", "-outform" ... */
  extra?: string[];
  /** Key arguments (default EC P-256). */
  newkey?: string[];
}

function req(dir: string, name: string, suffix: string, mode: string[], { subject, extra = [], newkey = EC_P256 }: ReqOptions) {
  const files = { key: `${dir}/${name}.key`, out: `${dir}/${name}.${suffix}` };
  opensslOk(["req", ...mode, ...newkey, "-nodes", "-keyout", files.key, "-out", files.out, "-subj", subject, ...extra]);
  return files;
}

/** A new key and a CSR for it: dir/name.key and dir/name.csr. */
export function opensslCsr(dir: string, name: string, options: ReqOptions): OpensslFiles {
  return req(dir, name, "csr", ["-new"], options);
}

/** A new key and a self-signed certificate (a root CA unless `extra` says otherwise): dir/name.key and dir/name.pem. */
export function opensslSelfSigned(dir: string, name: string, options: ReqOptions): OpensslFiles {
  return req(dir, name, "pem", ["-x509"], options);
}

/**
 * Signs a CSR with an openssl CA (`openssl x509 -req`), with the extensions given as an extfile's
 * lines: dir/name.pem.
 */
export function opensslSignCsr(
  dir: string,
  name: string,
  { csr, ca, extensions, days = 30, extra = [] }: { csr: string; ca: OpensslFiles; extensions: string; days?: number; extra?: string[] },
): string {
  const out = `${dir}/${name}.pem`;
  const ext = writeFiles(dir, { [`${name}.ext`]: extensions })[`${name}.ext`]!;
  opensslOk(["x509", "-req", "-in", csr, "-CA", ca.out, "-CAkey", ca.key, "-out", out, "-days", String(days), "-extfile", ext, ...extra]);
  return out;
}

/** The PEM text of a file openssl wrote (a certificate, CSR or key), normalised by openssl itself. */
export const opensslPem = {
  certificate: (path: string) => opensslOk(["x509", "-in", path]),
  csr: (path: string) => opensslOk(["req", "-in", path]),
  key: (path: string) => opensslOk(["pkey", "-in", path]),
};
