import { errorResponse } from "@/lib/api/respond";
import { AppError } from "@/lib/errors";

/** An API path no route claims: the API's JSON 404, not the dashboard's HTML page or a sign-in redirect. */
function missing(request: Request): Response {
  const { pathname } = new URL(request.url);
  return errorResponse(new AppError("NOT_FOUND", `No API endpoint at ${pathname}: /api/v1/openapi.json lists them.`));
}

export { missing as GET, missing as POST, missing as PUT, missing as PATCH, missing as DELETE };
