import type { Metadata } from "next";
import { NotFoundCard } from "../ui/not-found-card";

export const metadata: Metadata = { title: "Not found" };

/** A missing certificate, CA or page inside the dashboard: shown with the sidebar. */
export default function DashboardNotFound() {
  return <NotFoundCard signedIn />;
}
