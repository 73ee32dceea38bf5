/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native modules and libraries that must run in Node as-is, not bundled.
  serverExternalPackages: [
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "node-forge",
    "prom-client",
    "pino",
    "graphene-pk11",
    "pkcs11js",
  ],
  poweredByHeader: false,
  // On every response, static files included; the CSP (with its per-request nonce) comes from proxy.ts.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          // "same-origin", not "no-referrer": with no-referrer browsers send "Origin: null" on form posts,
          // which the CSRF check must refuse.
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
          { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
        ],
      },
      // JSON, certificates, CRLs and OCSP answers: nothing in them may run or be framed.
      ...["/api/:path*", "/crl/:path*", "/ocsp/:path*", "/ca/:path*", "/acme/:path*", "/healthz", "/readyz", "/metrics"].map((source) => ({
        source,
        headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }],
      })),
    ];
  },
  experimental: {
    serverActions: {
      // CSR and CA imports are pasted PEM; 2 MB leaves room for a 1 MiB upload plus form fields,
      // and the services refuse anything over 1 MiB with a clear message.
      bodySizeLimit: "2mb",
    },
  },
};
export default nextConfig;
