// `npm run bench` first: the outside programs the benchmarks run side by side with cadesk, from
// Debian's packages when missing (the anchors of issue #13 and the load generator).
import { ensureDebianTools } from "./lib.mjs";
import { ensureNativeModules } from "./runtime.mjs";

ensureNativeModules();

ensureDebianTools(
  [
    { command: "hey", debian: "hey", why: "the HTTP load generator of every load" },
    { command: "cfssl", debian: "golang-cfssl", why: "the CSR-signing anchor (cfssl serve)" },
    { command: "openssl", debian: "openssl", why: "the OCSP responder anchor, CSRs and s_time" },
    { command: "curl", debian: "curl", why: "the outside client that times the CRL downloads" },
    { command: "go", debian: "golang-go", why: "builds the Go crypto/tls server, the mTLS anchor" },
    { command: "softhsm2-util", debian: "softhsm2", why: "the PKCS#11 token of bench/hsm.ts" },
  ],
  "npm run bench",
);
