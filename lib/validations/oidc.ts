import { z } from "zod";
import { parseRoleMap } from "../auth/oidc/role-map";
import { invisibleMessage, noInvisible, optionalText } from "./common";
import { ZEmail } from "./users";

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** The settings page's fields (Settings → Sign-in); a field the environment sets is not sent. */
export const ZOidcSettingsInput = z.object({
  issuer: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .max(500, "The issuer URL can be at most 500 characters.")
      .refine((v) => {
        try {
          const url = new URL(v);
          return url.protocol === "https:" && !url.search && !url.hash && !url.username;
        } catch {
          return false;
        }
      }, "The issuer is an https:// URL without query, such as https://login.example.com/realms/staff (OpenID Connect Discovery requires HTTPS).")
      .optional(),
  ),
  clientId: optionalText(200, "The client id"),
  /** Empty: keep the stored secret. */
  clientSecret: z.string().max(1000, "The client secret can be at most 1000 characters.").optional(),
  /** "1": remove the stored secret (a public client, PKCE only). */
  clearSecret: z.enum(["1"]).optional(),
  displayName: optionalText(60, "The button's name"),
  scopes: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .max(500)
      .refine((v) => v.split(/\s+/).includes("openid"), 'The scopes must include "openid".')
      .refine(noInvisible, invisibleMessage("The scopes"))
      .transform((v) => v.split(/\s+/).join(" "))
      .optional(),
  ),
  roleClaim: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(/^\S{1,200}$/, "The role claim is one name without spaces, such as groups.")
      .optional(),
  ),
  roleMap: z
    .string()
    .max(20_000)
    .optional()
    .superRefine((v, ctx) => {
      const problems = parseRoleMap(v ?? "").problems;
      if (problems.length) ctx.addIssue({ code: "custom", message: `Role rules: ${problems.join("; ")}.` });
    }),
  localLogin: z.enum(["on", "off"], { error: "Local passwords are on or off." }).optional(),
  breakGlassEmail: z.preprocess(emptyToUndefined, ZEmail.optional()),
});
export type TOidcSettingsInput = z.infer<typeof ZOidcSettingsInput>;
