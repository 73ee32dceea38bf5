import Link from "next/link";

export interface HeaderAction {
  href: string;
  label: string;
  primary?: boolean;
}

export const CERTIFICATE_ACTIONS: HeaderAction[] = [
  { href: "/certificates/sign-csr", label: "Sign a CSR" },
  { href: "/certificates/new", label: "Issue certificate", primary: true },
];

/** A page title with its actions on the right. */
export function PageHeader({ title, actions = [] }: { title: React.ReactNode; actions?: HeaderAction[] }) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-3">
      <h1>{title}</h1>
      {actions.length > 0 && (
        <div className="flex flex-wrap gap-2">
          {actions.map((a) => (
            <Link key={a.href} className={a.primary ? "btn btn-primary" : "btn"} href={a.href}>
              {a.label}
            </Link>
          ))}
        </div>
      )}
    </div>
  );
}
