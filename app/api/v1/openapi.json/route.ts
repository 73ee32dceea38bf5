import { publicRoute } from "@/lib/api/handler";
import { openApiDocument } from "@/lib/api/openapi";

// The description itself is public, so tools can read it before they hold a token.
export const GET = publicRoute(() => Response.json(openApiDocument));
