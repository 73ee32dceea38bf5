import { findCertificate } from "@/lib/data/find";
import { apiRoute } from "@/lib/api/handler";
import { presentCertificate } from "@/lib/api/present";
import { json } from "@/lib/api/respond";

export const GET = apiRoute("view", async (_request, { id }) => {
  return json(presentCertificate(await findCertificate(id!)));
});
