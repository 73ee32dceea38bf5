import { actAs } from "../auth/request";
import type { ExportedFile } from "../services/export-certificate";
import { fileResponse, textErrorResponse } from "./respond";

type Context = { params: Promise<{ id: string }> };

/**
 * A route handler for the dashboard's download links and forms: the file, or the reason there is
 * none as plain text the browser shows. Runs as the signed-in user: key formats need an admin
 * who entered the password recently (the service checks).
 */
export function browserDownload(produce: (request: Request, id: string) => Promise<ExportedFile>) {
  return async (request: Request, { params }: Context): Promise<Response> => {
    try {
      const { id } = await params;
      return fileResponse(await actAs("view", () => produce(request, id)));
    } catch (error) {
      return textErrorResponse(error);
    }
  };
}
