/** Settings → Sign-in: validation, the sealed client secret, the break-glass rule, the environment winning, audit. */
import { describe, expect } from "vitest";
import { effectiveOidcSettings } from "../auth/oidc/settings";
import { setConfigForTesting } from "../config";
import { getDb } from "../db";
import { afterAll, it } from "../testing/system";
import { oidcSettingsView, updateOidcSettings } from "./oidc-settings";
import { refusal } from "../testing/refusal";

const SECRET = "s3cret-value-from-the-provider";
const lastAudit = () => getDb().auditEvent.findFirst({ where: { action: "settings.oidc" }, orderBy: { id: "desc" } });

afterAll(() => {
  setConfigForTesting();
});

describe("sign-in settings", () => {
  it("saves the provider with its secret sealed, and audits what changed without the secret", async () => {
    await updateOidcSettings({
      issuer: "https://login.example.com/realms/staff",
      clientId: "cadesk",
      clientSecret: SECRET,
      displayName: "Keycloak",
      roleMap: "cadesk-admins=admin\ncadesk-view=viewer",
      localLogin: "on",
    });
    const row = (await getDb().oidcSettings.findUnique({ where: { id: 1 } }))!;
    expect(row.encryptedSecret).toBeTruthy();
    expect(row.encryptedSecret).not.toContain(SECRET);
    const effective = await effectiveOidcSettings();
    expect(effective).toMatchObject({ enabled: true, clientSecret: SECRET, displayName: "Keycloak", roleClaim: "groups", fromEnv: [] });
    expect(effective.rules).toEqual([
      { value: "cadesk-admins", role: "admin" },
      { value: "cadesk-view", role: "viewer" },
    ]);
    const event = (await lastAudit())!;
    expect(event.detail).not.toContain(SECRET);
    expect(JSON.parse(event.detail!)).toMatchObject({ issuer: "https://login.example.com/realms/staff", clientSecret: "changed" });
    // Saving again without a secret keeps it; the view never carries it.
    const view = await updateOidcSettings({ issuer: "https://login.example.com/realms/staff", clientId: "cadesk", roleMap: "*=viewer" });
    expect((await effectiveOidcSettings()).clientSecret).toBe(SECRET);
    expect(JSON.stringify(view)).not.toContain(SECRET);
    expect(view.hasSecret).toBe(true);
    expect(view.redirectUri).toMatch(/\/auth\/oidc\/callback$/);
  });

  it("refuses an http issuer, scopes without openid and a bad role rule, naming the field", async () => {
    expect((await refusal(updateOidcSettings({ issuer: "http://login.example.com" }))).field).toBe("issuer");
    expect((await refusal(updateOidcSettings({ scopes: "email profile" }))).message).toBe('The scopes must include "openid".');
    const rule = await refusal(updateOidcSettings({ roleMap: "cadesk-admins=root" }));
    expect(rule.message).toBe('Role rules: "cadesk-admins=root": the role must be one of admin, operator, viewer.');
  });

  it("turns passwords off only with a local admin named as break-glass", async () => {
    const none = await refusal(updateOidcSettings({ localLogin: "off" }));
    expect(none.field).toBe("breakGlassEmail");
    expect(none.message).toMatch(/^Name a break-glass admin/);
    await getDb().user.create({ data: { id: "op", email: "op@example.com", passwordHash: "x", role: "operator" } });
    expect((await refusal(updateOidcSettings({ localLogin: "off", breakGlassEmail: "op@example.com" }))).message).toMatch(
      /^op@example.com is not a local admin/,
    );
    await getDb().user.create({ data: { id: "root", email: "root@example.com", passwordHash: "x", role: "admin" } });
    await updateOidcSettings({
      issuer: "https://login.example.com/realms/staff",
      clientId: "cadesk",
      localLogin: "off",
      breakGlassEmail: "root@example.com",
    });
    expect(await effectiveOidcSettings()).toMatchObject({ localLogin: false, breakGlassEmail: "root@example.com" });
  });

  it("lets the environment win, field by field, and says which variable sets each", async () => {
    setConfigForTesting({ ...process.env, CADESK_OIDC_ISSUER: "https://sso.example.net", CADESK_OIDC_ROLE_MAP: "ops=operator" });
    await updateOidcSettings({ issuer: "https://ignored.example.org", clientId: "from-page", localLogin: "on" });
    const view = await oidcSettingsView();
    expect(view.fromEnv).toEqual({ issuer: "CADESK_OIDC_ISSUER", roleMap: "CADESK_OIDC_ROLE_MAP" });
    expect(view.values).toMatchObject({ issuer: "https://sso.example.net", clientId: "from-page", roleMap: "ops=operator" });
    expect((await getDb().oidcSettings.findUnique({ where: { id: 1 } }))!.issuer).toBe("https://login.example.com/realms/staff");
    expect((await effectiveOidcSettings()).issuer).toBe("https://sso.example.net");
  });
});
