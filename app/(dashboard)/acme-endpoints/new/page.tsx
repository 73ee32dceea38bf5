import type { Metadata } from "next";
import Link from "next/link";
import { ACME_CHALLENGE_TYPES, ACME_DEFAULT_MAX_VALIDITY_DAYS, ACME_DEFAULT_VALIDITY_DAYS, ACME_PROFILES } from "@/lib/acme/profiles";
import { requireUser } from "@/lib/auth/request";
import { listAuthorities } from "@/lib/data/authorities";
import { EndpointForm } from "../forms";

export const metadata: Metadata = { title: "New ACME endpoint" };

export default async function NewAcmeEndpointPage() {
  await requireUser("manage_cas");
  const authorities = (await listAuthorities()).filter((a) => !a.revoked && a.daysLeft > 0);
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <p className="text-sm">
          <Link href="/acme-endpoints">ACME</Link> /
        </p>
        <h1>New ACME endpoint</h1>
      </div>
      {authorities.length === 0 ? (
        <div className="card text-sm">
          An endpoint issues from a CA, and there is none that can sign. <Link href="/authorities/new">Create a CA</Link> first.
        </div>
      ) : (
        <EndpointForm
          mode="create"
          authorities={authorities.map((a) => ({ value: a.id, label: `${"  ".repeat(a.depth)}${a.commonName}` }))}
          profiles={Object.entries(ACME_PROFILES).map(([name, p]) => ({ name, description: p.description }))}
          challengeTypes={ACME_CHALLENGE_TYPES}
          initial={{
            name: "",
            // An intermediate by default: the root key should stay unused.
            caId: (authorities.find((a) => a.depth > 0) ?? authorities[0]!).id,
            profiles: ["tlsserver"],
            defaultProfile: "tlsserver",
            validityDays: ACME_DEFAULT_VALIDITY_DAYS,
            maxValidityDays: ACME_DEFAULT_MAX_VALIDITY_DAYS,
            challenges: [...ACME_CHALLENGE_TYPES],
            requireEab: true,
            allowedIdentifiers: [],
            termsOfServiceUrl: "",
          }}
        />
      )}
    </div>
  );
}
