import { describe, expect, it } from "vitest";
import { allowingRule, parseIdentifierRule, parseIdentifierRules } from "./identifier-policy";

describe("ACME identifier rules", () => {
  const rules = parseIdentifierRules([".internal", "db.example.com", "10.0.0.0/8", "fd00::/8", "127.0.0.1/32"]);
  const allowed = (type: "dns" | "ip", value: string) => allowingRule(rules, { type, value })?.text ?? null;

  it("matches suffixes, exact names, wildcards and CIDR ranges", () => {
    expect(allowed("dns", "internal")).toBe(".internal");
    expect(allowed("dns", "a.b.internal")).toBe(".internal");
    expect(allowed("dns", "*.svc.internal")).toBe(".internal");
    expect(allowed("dns", "notinternal")).toBeNull();
    expect(allowed("dns", "db.example.com")).toBe("db.example.com");
    expect(allowed("dns", "*.db.example.com")).toBeNull();
    expect(allowed("dns", "x.db.example.com")).toBeNull();
    expect(allowed("ip", "10.200.3.4")).toBe("10.0.0.0/8");
    expect(allowed("ip", "11.0.0.1")).toBeNull();
    expect(allowed("ip", "127.0.0.1")).toBe("127.0.0.1/32");
    expect(allowed("ip", "127.0.0.2")).toBeNull();
    expect(allowed("ip", "fd12:3456::1")).toBe("fd00::/8");
    expect(allowed("ip", "fe80::1")).toBeNull();
  });

  it("explains rules it cannot read", () => {
    expect(parseIdentifierRule("10.0.0.1/8")).toMatch(/host bits set: did you mean 10.0.0.0\/8/);
    expect(parseIdentifierRule("10.0.0.1")).toMatch(/write it as a range, e.g. 10.0.0.1\/32/);
    expect(parseIdentifierRule("*.internal")).toMatch(/write a suffix as .internal/);
    expect(parseIdentifierRule("bad_name")).toMatch(/neither a DNS name/);
    expect(parseIdentifierRule("10.0.0.0/33")).toMatch(/at most \/32/);
  });
});
