import { BrandMark } from "../ui/brand";

export const dynamic = "force-dynamic";

/** Sign-in, first-run setup and password confirmation: a single calm card, no sidebar. */
export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <main id="main" className="grid min-h-screen place-items-center px-4 py-10">
      <div className="w-full max-w-md space-y-6">
        <div className="flex items-center justify-center gap-2 text-xl font-semibold">
          <BrandMark size={32} />
          cadesk
        </div>
        {children}
      </div>
    </main>
  );
}
