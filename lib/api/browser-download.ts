import { actAs } from "../auth/request";
import type { Permission } from "../auth/roles";
import type { ExportedFile } from "../services/export-certificate";
import { errorResponse, fileResponse, textErrorResponse } from "./respond";

type Context = { params: Promise<{ id: string }> };

/**
 * The refusal for a browser download: the dashboard fetches with `Accept: application/json` and
 * reads the error code (REAUTH_REQUIRED opens the password dialog in place); a plain link or form
 * without script gets the message as text the browser shows.
 */
export function downloadErrorResponse(request: Request, error: unknown): Response {
  return (request.headers.get("accept") ?? "").includes("application/json") ? errorResponse(error) : textErrorResponse(error);
}

/**
 * A route handler for the dashboard's download links and forms: the file, or the reason there is
 * none. Runs as the signed-in user: key formats need an admin who entered the password recently
 * (the service checks).
 */
export function browserDownload(produce: (request: Request, id: string) => Promise<ExportedFile>) {
  return async (request: Request, { params }: Context): Promise<Response> => {
    try {
      const { id } = await params;
      return fileResponse(await actAs("view", () => produce(request, id)));
    } catch (error) {
      return downloadErrorResponse(request, error);
    }
  };
}

/**
 * A route handler for the dashboard's other downloads (audit, inventory exports): runs as the
 * signed-in user allowed `permission`; failures as for browserDownload.
 */
export function sessionRoute(permission: Permission, produce: (request: Request) => Promise<ExportedFile>) {
  return async (request: Request): Promise<Response> => {
    try {
      return fileResponse(await actAs(permission, () => produce(request)));
    } catch (error) {
      return downloadErrorResponse(request, error);
    }
  };
}
