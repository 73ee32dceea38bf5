import { apiRoute, readJson } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { testConnection } from "@/lib/services/test-connection";
import { ZTlsTestInput } from "@/lib/validations/tls";

/** {host ("echo" for the built-in server), port, serverName?, caIds? | caPem?, clientCertificateId?, mode?} */
export const POST = apiRoute("issue", async (request) => json(await testConnection(await readJson(request, ZTlsTestInput))));
