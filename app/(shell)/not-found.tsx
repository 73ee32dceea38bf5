import type { Metadata } from "next";
import { NotFoundCard } from "../ui/not-found-card";

export const metadata: Metadata = { title: "Not found" };

export default function ShellNotFound() {
  return <NotFoundCard signedIn />;
}
