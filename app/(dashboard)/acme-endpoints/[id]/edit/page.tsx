import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ACME_CHALLENGE_TYPES, ACME_PROFILES } from "@/lib/acme/profiles";
import { requireUser } from "@/lib/auth/request";
import { getAcmeEndpoint } from "@/lib/data/acme";
import { listAuthorities } from "@/lib/data/authorities";
import { DeleteEndpointForm, EndpointForm } from "../../forms";

export const metadata: Metadata = { title: "Edit ACME endpoint" };

export default async function EditAcmeEndpointPage({ params }: { params: Promise<{ id: string }> }) {
  await requireUser("manage_cas");
  const { id } = await params;
  const [e, authorities] = await Promise.all([getAcmeEndpoint(id), listAuthorities()]);
  if (!e) notFound();
  const usable = authorities.filter((a) => a.id === e.caId || (!a.revoked && a.daysLeft > 0));
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <p className="text-sm">
          <Link href="/acme-endpoints">ACME</Link> / <Link href={`/acme-endpoints/${e.id}`}>{e.name}</Link> /
        </p>
        <h1>Edit {e.name}</h1>
      </div>
      <EndpointForm
        mode="edit"
        endpointId={e.id}
        authorities={usable.map((a) => ({ value: a.id, label: `${"  ".repeat(a.depth)}${a.commonName}${a.revoked ? " (revoked)" : ""}` }))}
        profiles={Object.entries(ACME_PROFILES).map(([name, p]) => ({ name, description: p.description }))}
        challengeTypes={ACME_CHALLENGE_TYPES}
        initial={{
          name: e.name,
          caId: e.caId,
          profiles: e.profiles,
          defaultProfile: e.defaultProfile,
          validityDays: e.validityDays,
          maxValidityDays: e.maxValidityDays,
          challenges: e.challenges,
          requireEab: e.requireEab,
          allowedIdentifiers: e.allowedIdentifiers,
          termsOfServiceUrl: e.termsOfServiceUrl ?? "",
        }}
      />
      <DeleteEndpointForm endpointId={e.id} name={e.name} accounts={e.accountCount} />
    </div>
  );
}
