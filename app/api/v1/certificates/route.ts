import { apiRoute, readJson, readQuery } from "@/lib/api/handler";
import { presentCertificate, presentIssuedCertificate } from "@/lib/api/present";
import { json } from "@/lib/api/respond";
import { certificatesByIds, parseCertificateQuery, searchCertificates } from "@/lib/data/certificates";
import { exportCertificate } from "@/lib/services/export-certificate";
import { issueCertificate } from "@/lib/services/issue-certificate";
import { ZIssueCertificateInput } from "@/lib/validations/certificate";
import { ZCertificateSearchQuery } from "@/lib/api/queries";

export const GET = apiRoute("view", async (request) => {
  const query = parseCertificateQuery(readQuery(request, ZCertificateSearchQuery));
  const page = await searchCertificates(query);
  const rows = await certificatesByIds(page.rows.map((r) => r.id));
  return json({
    items: rows.map((r) => presentCertificate(r)),
    total: page.total,
    page: query.page,
    pageSize: query.pageSize,
  });
});

export const POST = apiRoute("issue", async (request) => {
  const issued = await issueCertificate(await readJson(request, ZIssueCertificateInput));
  const chain = await exportCertificate(issued.certificate.id, "chain");
  return json(presentIssuedCertificate(issued.certificate, { ...issued, chainPem: String(chain.body) }), 201);
});
