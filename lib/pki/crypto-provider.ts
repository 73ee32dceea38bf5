/**
 * One place that prepares @peculiar/x509: its dependency injection needs the Reflect metadata
 * polyfill loaded first, and it must sign with Node's native WebCrypto (thousands of signatures a
 * second) rather than a JavaScript implementation. Every module in lib/pki imports x509 from here.
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { webcrypto } from "node:crypto";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export const subtle = webcrypto.subtle as unknown as SubtleCrypto;
export { x509 };
