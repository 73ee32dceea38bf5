import { notFound } from "next/navigation";

/**
 * Any address no route claims lands here, inside the dashboard shell, so the 404 keeps the
 * sidebar (the root not-found.tsx renders without it) and its status is 404.
 */
export default function Missing(): never {
  notFound();
}
