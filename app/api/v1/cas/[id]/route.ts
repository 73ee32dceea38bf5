import { apiRoute } from "@/lib/api/handler";
import { presentAuthority } from "@/lib/api/present";
import { json } from "@/lib/api/respond";
import { findAuthority } from "@/lib/data/find";

export const GET = apiRoute("view", async (_request, { id }) => json(presentAuthority(await findAuthority(id!, "id"))));
