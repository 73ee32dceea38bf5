import { requireUser } from "@/lib/auth/request";
import Link from "next/link";
import type { Metadata } from "next";
import { listAuthorities } from "@/lib/data/authorities";
import { configuredToken } from "@/lib/data/hsm";
import { CreateAuthorityForm, ImportAuthorityForm } from "./forms";

export const metadata: Metadata = { title: "New authority" };

const TABS = [
  { type: "root", label: "Root CA" },
  { type: "intermediate", label: "Intermediate CA" },
  { type: "import", label: "Import existing CA" },
] as const;

export default async function NewAuthorityPage({ searchParams }: { searchParams: Promise<{ type?: string; parentId?: string }> }) {
  await requireUser("manage_cas");
  const { type: rawType, parentId } = await searchParams;
  const type = TABS.some((t) => t.type === rawType) ? rawType : "root";
  const parents = (await listAuthorities()).filter((a) => a.pathLength !== 0 && a.daysLeft > 0);
  const token = configuredToken();
  return (
    <div className="max-w-3xl space-y-6">
      <h1>New certificate authority</h1>
      <nav aria-label="Kind of CA" className="flex gap-1 border-b border-slate-200 dark:border-slate-800">
        {TABS.map((t) => (
          <Link
            key={t.type}
            href={`/authorities/new?type=${t.type}`}
            aria-current={t.type === type ? "page" : undefined}
            className="-mb-px border-b-2 border-transparent px-3 py-2 text-sm text-slate-600 no-underline hover:no-underline aria-[current=page]:border-sky-700 aria-[current=page]:font-medium aria-[current=page]:text-sky-800 dark:text-slate-400 dark:aria-[current=page]:text-sky-300"
          >
            {t.label}
          </Link>
        ))}
      </nav>
      {type === "import" ? (
        <ImportAuthorityForm token={token} />
      ) : type === "intermediate" ? (
        parents.length === 0 ? (
          <div className="card text-sm">
            There is no CA that may sign an intermediate yet. <Link href="/authorities/new">Create a root CA</Link> first.
          </div>
        ) : (
          <CreateAuthorityForm
            key="intermediate"
            parents={parents.map((p) => ({ value: p.id, label: p.commonName }))}
            defaultParentId={parentId}
            token={token}
          />
        )
      ) : (
        <CreateAuthorityForm key="root" token={token} />
      )}
    </div>
  );
}
