import { allAuthorities } from "@/lib/data/authorities";
import { apiRoute, readJson } from "@/lib/api/handler";
import { presentAuthority, presentCreatedAuthority } from "@/lib/api/present";
import { json } from "@/lib/api/respond";
import { createAuthority } from "@/lib/services/create-authority";
import { ZCreateAuthorityInput } from "@/lib/validations/authority";

export const GET = apiRoute("view", async () => {
  const all = await allAuthorities();
  return json({ items: all.map(presentAuthority) });
});

export const POST = apiRoute("manage_cas", async (request) => {
  const { authority, warnings } = await createAuthority(await readJson(request, ZCreateAuthorityInput));
  return json(presentCreatedAuthority(authority, warnings), 201);
});
