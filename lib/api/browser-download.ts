import type { ExportedFile } from "../services/export-certificate";
import { fileResponse, textErrorResponse } from "./respond";

type Context = { params: Promise<{ id: string }> };

/**
 * A route handler for the dashboard's download links and forms: the file, or the reason there is
 * none as plain text the browser shows.
 */
export function browserDownload(produce: (request: Request, id: string) => Promise<ExportedFile>) {
  return async (request: Request, { params }: Context): Promise<Response> => {
    try {
      return fileResponse(await produce(request, (await params).id));
    } catch (error) {
      return textErrorResponse(error);
    }
  };
}
