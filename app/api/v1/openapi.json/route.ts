import { openApiDocument } from "@/lib/api/openapi";

// The description itself is public, so tools can read it before they hold a token.
export function GET() {
  return Response.json(openApiDocument);
}
