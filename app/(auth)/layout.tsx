export const dynamic = "force-dynamic";

/** Sign-in, first-run setup and password confirmation: a single calm card, no sidebar. */
export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <main className="grid min-h-screen place-items-center px-4 py-10">
      <div className="w-full max-w-md space-y-6">
        <div className="flex items-center justify-center gap-2 text-xl font-semibold">
          <span aria-hidden className="grid h-8 w-8 place-items-center rounded-md bg-sky-700 text-sm text-white">
            ca
          </span>
          cadesk
        </div>
        {children}
      </div>
    </main>
  );
}
