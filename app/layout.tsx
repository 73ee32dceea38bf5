import type { Metadata } from "next";
import "./globals.css";

// Every response carries a fresh CSP nonce (proxy.ts), which only dynamic rendering can apply.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "cadesk", template: "%s · cadesk" },
  description: "A private certificate authority dashboard",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
