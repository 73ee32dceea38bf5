import { notFound } from "next/navigation";

/**
 * Any address no route claims lands here, inside the dashboard layout, so the 404 keeps the
 * sidebar (the root not-found.tsx renders without it).
 */
export default function Missing(): never {
  notFound();
}
