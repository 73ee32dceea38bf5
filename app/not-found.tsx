import type { Metadata } from "next";
import { BrandMark } from "./ui/brand";
import { NotFoundCard } from "./ui/not-found-card";

export const metadata: Metadata = { title: "Not found" };

/** The 404 outside the dashboard (sign-in pages): a calm card with the way back. */
export default function RootNotFound() {
  return (
    <main id="main" className="grid min-h-screen place-items-center px-4 py-10">
      <div className="w-full max-w-xl space-y-6">
        <div className="flex items-center justify-center gap-2 text-xl font-semibold">
          <BrandMark size={32} />
          cadesk
        </div>
        <NotFoundCard signedIn={false} />
      </div>
    </main>
  );
}
