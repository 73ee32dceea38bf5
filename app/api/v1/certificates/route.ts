import { apiRoute, readJson, readQuery } from "@/lib/api/handler";
import { presentCertificate, presentIssuedCertificate } from "@/lib/api/present";
import { json } from "@/lib/api/respond";
import { certificatesByIds, parseCertificateQuery, searchCertificateIds } from "@/lib/data/certificates";
import { issueCertificate } from "@/lib/services/issue-certificate";
import { ZIssueCertificateInput } from "@/lib/validations/certificate";
import { ZCertificateSearchQuery } from "@/lib/api/queries";

export const GET = apiRoute("view", async (request) => {
  const query = parseCertificateQuery(readQuery(request, ZCertificateSearchQuery));
  const page = await searchCertificateIds(query);
  const rows = await certificatesByIds(page.ids);
  return json({
    items: rows.map((r) => presentCertificate(r)),
    total: page.total,
    totalExact: page.totalExact,
    page: query.page,
    pageSize: query.pageSize,
  });
});

export const POST = apiRoute("issue", async (request) => {
  // The chain comes with the issuance (the CA rows it was checked against), not from reading the new row back.
  const issued = await issueCertificate(await readJson(request, ZIssueCertificateInput));
  return json(presentIssuedCertificate(issued.certificate, issued), 201);
});
