import { describe, expect, it } from "vitest";
import { claimValues, formatRoleMap, mapRole, parseRoleMap } from "./role-map";

describe("role rules", () => {
  it("parse from the comma form of CADESK_OIDC_ROLE_MAP and the line form of the settings page", () => {
    const env = parseRoleMap("cadesk-admins=admin, cadesk-ops=operator,cadesk-view=viewer");
    expect(env).toEqual({
      rules: [
        { value: "cadesk-admins", role: "admin" },
        { value: "cadesk-ops", role: "operator" },
        { value: "cadesk-view", role: "viewer" },
      ],
      problems: [],
    });
    // One rule a line: LDAP names with commas and "=" keep everything before the last "=".
    const lines = parseRoleMap("# comment\ncn=ca-admins,ou=groups,dc=example=admin\n\n*=viewer\n");
    expect(lines.rules).toEqual([
      { value: "cn=ca-admins,ou=groups,dc=example", role: "admin" },
      { value: "*", role: "viewer" },
    ]);
    expect(parseRoleMap(formatRoleMap(lines.rules)).rules).toEqual(lines.rules);
  });

  it("name each bad rule", () => {
    const { rules, problems } = parseRoleMap("admins=root,=viewer,ops");
    expect(rules).toEqual([]);
    expect(problems).toEqual([
      '"admins=root": the role must be one of admin, operator, viewer',
      '"=viewer" is not value=role (e.g. cadesk-admins=admin)',
      '"ops" is not value=role (e.g. cadesk-admins=admin)',
    ]);
  });

  it("grant the strongest role any of the person's groups maps to, and nothing without a match", () => {
    const { rules } = parseRoleMap("cadesk-view=viewer,cadesk-admins=admin,cadesk-ops=operator");
    expect(mapRole(rules, ["cadesk-view", "cadesk-admins"])).toEqual({ role: "admin", matched: ["cadesk-admins"] });
    expect(mapRole(rules, ["cadesk-ops", "other"])).toEqual({ role: "operator", matched: ["cadesk-ops"] });
    expect(mapRole(rules, ["cadesk-view"])?.role).toBe("viewer");
    expect(mapRole(rules, ["Cadesk-Admins", "staff"])).toBeNull(); // exact, case included
    expect(mapRole(rules, [])).toBeNull();
    expect(mapRole([], ["cadesk-admins"])).toBeNull();
    // "*" is anyone the provider signs in; a stronger group still wins.
    const anyone = parseRoleMap("*=viewer,cadesk-admins=admin").rules;
    expect(mapRole(anyone, [])?.role).toBe("viewer");
    expect(mapRole(anyone, ["cadesk-admins"])?.role).toBe("admin");
  });

  it("read the claim as an array, a string, a dotted path or a namespaced name", () => {
    expect(claimValues({ groups: ["a", "b", 3] }, "groups")).toEqual(["a", "b"]);
    expect(claimValues({ roles: "a b,c" }, "roles")).toEqual(["a", "b", "c"]);
    expect(claimValues({ realm_access: { roles: ["ca-admin"] } }, "realm_access.roles")).toEqual(["ca-admin"]);
    expect(claimValues({ "https://example.com/groups": ["x"] }, "https://example.com/groups")).toEqual(["x"]);
    expect(claimValues({ groups: { nested: true } }, "groups")).toEqual([]);
    expect(claimValues({}, "groups")).toEqual([]);
  });
});
