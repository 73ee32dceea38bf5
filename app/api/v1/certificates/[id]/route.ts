import { getDb } from "@/lib/db";
import { apiRoute } from "@/lib/api/handler";
import { presentCertificate } from "@/lib/api/present";
import { json } from "@/lib/api/respond";
import { AppError } from "@/lib/errors";

export const GET = apiRoute("view", async (_request, { id }) => {
  const certificate = await getDb().certificate.findUnique({ where: { id: id! } });
  if (!certificate) throw new AppError("NOT_FOUND", `There is no certificate with id "${id!.slice(0, 100)}".`, "id");
  return json(presentCertificate(certificate));
});
