import type { Metadata } from "next";
import "./globals.css";

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
