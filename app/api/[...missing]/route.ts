import { publicRoute } from "@/lib/api/handler";
import { errorResponse } from "@/lib/api/respond";
import { AppError } from "@/lib/errors";

/** An API path no route claims: the API's JSON 404, not the dashboard's HTML page or a sign-in redirect. */
function missing(request: Request): Response {
  const { pathname } = new URL(request.url);
  return errorResponse(new AppError("NOT_FOUND", `No API endpoint at ${pathname}: /api/v1/openapi.json lists them.`));
}

// Nobody is signed in for a path that does not exist: the anonymous public answers.
export const GET = publicRoute(missing);
export const POST = publicRoute(missing);
export const PUT = publicRoute(missing);
export const PATCH = publicRoute(missing);
export const DELETE = publicRoute(missing);
