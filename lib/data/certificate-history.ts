/**
 * A certificate's history for its page: the renewal window (RFC 9773, the same rule the ACME
 * renewalInfo endpoint answers), how it was issued and by whom (audit log), the certificates it
 * renewed or was renewed by, ACME `replaces` links, revocation, and its expiry, as dated events.
 */
import { ariCertId } from "../acme/ari";
import { getDb } from "../db";
import { parseCertificate, subjectKeyId } from "../pki/certificate";
import { readPemOrDer } from "../pki/pem";
import { renewalWindow, type RenewalWindow } from "../pki/renewal-window";

export type TimelineKind = "issued" | "renewed" | "revoked" | "hold-lifted" | "key-export" | "renew-from" | "expires" | "replace-pending";

export interface TimelineEvent {
  at: Date;
  kind: TimelineKind;
  /** What happened, in words ("Issued through the form by admin@example.com"). */
  label: string;
  /** Another certificate the event leads to (the one renewed, the renewal). */
  link?: { href: string; text: string };
  /** Not yet happened (the window's start, the expiry). */
  future: boolean;
}

/** An ACME order that named this certificate in `replaces` (RFC 9773 5), with what came of it. */
export interface Replacement {
  orderId: string;
  endpointId: string;
  status: string;
  certificateId: string | null;
}

export interface CertificateHistory {
  window: RenewalWindow;
  /** The ARI certID (RFC 9773 4.1) a client sends in renewalInfo and `replaces`. */
  ariCertId: string;
  notBefore: Date;
  notAfter: Date;
  now: Date;
  /** The certificate an ACME order replaced with this one. */
  replaces: { id: string; serialHex: string } | null;
  replacedBy: Replacement[];
  events: TimelineEvent[];
}

const ISSUE_ACTIONS: Record<string, string> = {
  "certificate.issue": "Issued",
  "certificate.sign_csr": "Signed from a CSR",
  "certificate.renew": "Issued as a renewal",
  "certificate.acme_issue": "Issued over ACME",
};

/** The door, when the action does not already say it (lib/issuance/request.ts ENTRY_POINTS). */
const THROUGH: Record<string, string> = { form: " through the form", api: " through the API", csr: " through the form", bulk: " in a bulk action" };

/** The history of one certificate, or null when there is none with this id. */
export async function certificateHistory(id: string, now = new Date()): Promise<CertificateHistory | null> {
  const db = getDb();
  const cert = await db.certificate.findUnique({
    where: { id },
    include: {
      authority: { select: { status: true, certificatePem: true } },
      renewedFrom: { select: { id: true, commonName: true, serialHex: true } },
      renewals: { select: { id: true, serialHex: true, createdAt: true }, orderBy: { createdAt: "asc" } },
      acmeOrder: { select: { replacesCertificate: { select: { id: true, serialHex: true } } } },
      acmeReplacements: {
        select: { id: true, endpointId: true, status: true, certificateId: true, updatedAt: true },
        orderBy: { createdAt: "asc" },
      },
    },
  });
  if (!cert) return null;
  const audit = await db.auditEvent.findMany({
    where: { objectType: "certificate", objectId: id, outcome: "success" },
    orderBy: { at: "asc" },
    take: 200,
  });
  const window = renewalWindow({ ...cert, authorityStatus: cert.authority.status }, now);
  const aki = await subjectKeyId(parseCertificate(readPemOrDer(cert.authority.certificatePem, ["CERTIFICATE"], "CA certificate")));

  const events: TimelineEvent[] = [];
  const issuedEvent = audit.find((e) => e.action in ISSUE_ACTIONS);
  const detail = readDetail(issuedEvent?.detail ?? null);
  events.push({
    at: cert.createdAt,
    kind: "issued",
    label: issuedEvent
      ? `${ISSUE_ACTIONS[issuedEvent.action]}${THROUGH[String(detail.entryPoint)] ?? ""} by ${issuedEvent.actorLabel}`
      : "Issued",
    ...(cert.renewedFrom
      ? {
          link: {
            href: `/certificates/${cert.renewedFrom.id}`,
            text: `${cert.acmeOrder?.replacesCertificate ? "replaces" : "renews"} serial ${cert.renewedFrom.serialHex.slice(0, 16)}…`,
          },
        }
      : {}),
    future: false,
  });
  const overAcme = new Set(cert.acmeReplacements.map((o) => o.certificateId));
  for (const r of cert.renewals) {
    events.push({
      at: r.createdAt,
      kind: "renewed",
      label: overAcme.has(r.id) ? "Replaced over ACME (RFC 9773 replaces)" : "Renewed",
      link: { href: `/certificates/${r.id}`, text: `the new certificate, serial ${r.serialHex.slice(0, 16)}…` },
      future: false,
    });
  }
  for (const e of audit) {
    if (e.action === "certificate.lift_hold") events.push({ at: e.at, kind: "hold-lifted", label: `Hold lifted by ${e.actorLabel}`, future: false });
    if (e.action === "key.export" || e.action === "pkcs12.export") {
      const what = e.action === "key.export" ? "Private key" : "PKCS#12 (key and chain)";
      events.push({ at: e.at, kind: "key-export", label: `${what} downloaded by ${e.actorLabel}`, future: false });
    }
  }
  if (cert.revokedAt) {
    const by = audit.findLast((e) => e.action === "certificate.revoke");
    events.push({
      at: cert.revokedAt,
      kind: "revoked",
      label: `${cert.revocationReason === "certificateHold" ? "Put on hold" : "Revoked"} (${cert.revocationReason ?? "unspecified"})${by ? ` by ${by.actorLabel}` : ""}`,
      future: false,
    });
  }
  // A valid replacement order's certificate is among the renewals above; the others say where they stand.
  for (const r of cert.acmeReplacements.filter((o) => o.status !== "valid")) {
    events.push({
      at: r.updatedAt,
      kind: "replace-pending",
      label: r.status === "invalid" ? "An ACME order to replace it failed" : `An ACME order to replace it is ${r.status}`,
      link: { href: `/acme-endpoints/${r.endpointId}/orders/${r.id}`, text: "the order" },
      future: false,
    });
  }
  if (!window.renewNow) {
    events.push({ at: window.start, kind: "renew-from", label: "Renewal window opens (ARI)", future: window.start > now });
  }
  events.push({ at: cert.notAfter, kind: "expires", label: cert.notAfter > now ? "Expires" : "Expired", future: cert.notAfter > now });
  events.sort((a, b) => a.at.getTime() - b.at.getTime());

  return {
    window,
    ariCertId: ariCertId(aki, cert.serialHex),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    now,
    replaces: cert.acmeOrder?.replacesCertificate ?? null,
    replacedBy: cert.acmeReplacements.map((o) => ({ orderId: o.id, endpointId: o.endpointId, status: o.status, certificateId: o.certificateId })),
    events,
  };
}

function readDetail(json: string | null): Record<string, unknown> {
  try {
    return json ? (JSON.parse(json) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
