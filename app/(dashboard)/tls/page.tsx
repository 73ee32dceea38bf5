import { requireUser } from "@/lib/auth/request";
import { can } from "@/lib/auth/roles";
import type { Metadata } from "next";
import Link from "next/link";
import { tlsPageData } from "@/lib/data/tls";
import { DoctorForm, EchoForm } from "./forms";

export const metadata: Metadata = { title: "Test TLS" };

export default async function TlsPage() {
  const user = await requireUser("issue");
  const data = await tlsPageData();
  return (
    <div className="space-y-6">
      <div>
        <h1>Test TLS and mTLS</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Run a real handshake from this server to the built-in echo server or any host, with or without a client certificate, and see each
          step, what went wrong in plain words, and the commands to reproduce it.
        </p>
      </div>
      {data.serverCertificates.length === 0 ? (
        <div className="card text-sm">
          The echo server needs a TLS server certificate whose key cadesk holds. <Link href="/certificates/new">Issue one</Link> first.
        </div>
      ) : (
        <EchoForm
          status={data.echo}
          certificates={data.serverCertificates}
          authorities={data.authorities}
          readOnly={!can(user.role!, "settings")}
        />
      )}
      <DoctorForm echoListening={data.echo.listening} authorities={data.authorities} clientCertificates={data.clientCertificates} />
    </div>
  );
}
