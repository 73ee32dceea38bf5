import { z } from "zod";
import { MAX_PASSWORD_LENGTH } from "../auth/password";
import { ROLES } from "../auth/roles";
import { optionalInt, requiredText } from "./common";

export const ZEmail = z
  .string({ error: "email is required." })
  .trim()
  .toLowerCase()
  .max(254, "An e-mail address has at most 254 characters.")
  .pipe(z.email({ error: "Enter an e-mail address, e.g. alex@example.com." }));

export const ZRole = z.enum(ROLES, { error: `role must be one of ${ROLES.join(", ")}.` });

const password = (label: string) =>
  z
    .string({ error: `${label} is required.` })
    .min(1, `${label} is required.`)
    .max(MAX_PASSWORD_LENGTH, `${label} is too long.`);

export const ZSignInInput = z.object({ email: ZEmail, password: password("Password") });

export const ZSetupInput = z.object({
  setupToken: z
    .string({ error: "The setup token is required." })
    .trim()
    .min(1, "Enter the setup token printed in the server log.")
    .max(200),
  email: ZEmail,
  password: password("Password"),
});

export const ZCreateUserInput = z.object({ email: ZEmail, role: ZRole.default("viewer"), password: password("Initial password") });

export const ZChangePasswordInput = z.object({ currentPassword: password("Current password"), newPassword: password("New password") });

export const ZCreateTokenInput = z.object({
  name: requiredText(80, "The name", 'Name the token after what uses it, e.g. "ci-deploy".'),
  role: ZRole.default("operator"),
  expiresInDays: optionalInt(1, 3650, "Expiry (days)"),
});
