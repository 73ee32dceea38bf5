import { randomUUID } from "node:crypto";
import { describe, expect, it as plainIt } from "vitest";
import { getDb } from "../db";
import { beforeAll, it } from "../testing/system";
import { AppError } from "../errors";
import { createAuthority } from "../services/create-authority";
import { issueCertificate } from "../services/issue-certificate";
import { revokeCertificate } from "../services/revoke-certificate";
import { parseCertificateQuery, searchCertificates } from "./certificates";
import { certificatesCoveringHost, coveringNames, hostFilter, hostWhere, parseHost, sanCoversHost } from "./host-search";

describe("sanCoversHost: RFC 6125 6.4 name matching", () => {
  const dns = (value: string) => ({ type: "dns" as const, value });
  const host = (h: string) => parseHost(h);

  plainIt("an exact name, in any case, with or without the trailing dot", () => {
    expect(sanCoversHost(dns("foo.apps.internal.example"), host("foo.apps.internal.example"))).toBe(true);
    expect(sanCoversHost(dns("foo.apps.internal.example"), host("FOO.Apps.Internal.Example."))).toBe(true);
    expect(sanCoversHost(dns("Foo.Apps.Internal.Example"), host("foo.apps.internal.example"))).toBe(true);
    expect(sanCoversHost(dns("bar.apps.internal.example"), host("foo.apps.internal.example"))).toBe(false);
  });

  plainIt("a wildcard stands for exactly the leftmost label", () => {
    const wild = dns("*.apps.internal.example");
    expect(sanCoversHost(wild, host("foo.apps.internal.example"))).toBe(true);
    expect(sanCoversHost(wild, host("apps.internal.example"))).toBe(false);
    expect(sanCoversHost(wild, host("a.foo.apps.internal.example"))).toBe(false);
    expect(sanCoversHost(wild, host("foo.other.internal.example"))).toBe(false);
    // Typing the wildcard itself finds that exact SAN, not every wildcard above it.
    expect(sanCoversHost(wild, host("*.apps.internal.example"))).toBe(true);
    expect(sanCoversHost(dns("*.internal.example"), host("*.apps.internal.example"))).toBe(false);
  });

  plainIt("an IP matches IP SANs only, IPv6 in any spelling", () => {
    expect(sanCoversHost({ type: "ip", value: "10.0.0.5" }, host("10.0.0.5"))).toBe(true);
    expect(sanCoversHost({ type: "ip", value: "10.0.0.50" }, host("10.0.0.5"))).toBe(false);
    expect(sanCoversHost(dns("10.0.0.5"), host("10.0.0.5"))).toBe(false);
    expect(sanCoversHost({ type: "ip", value: "2001:db8::1" }, host("2001:0db8:0:0:0:0:0:1"))).toBe(true);
    expect(sanCoversHost({ type: "ip", value: "2001:db8::1" }, host("[2001:db8::1]"))).toBe(true);
    expect(sanCoversHost({ type: "dns", value: "foo.example" }, host("::1"))).toBe(false);
  });

  plainIt("e-mail and URI SANs never cover a host", () => {
    expect(sanCoversHost({ type: "email", value: "ops@foo.example.org" }, host("foo.example.org"))).toBe(false);
    expect(sanCoversHost({ type: "uri", value: "https://foo.example.org" }, host("foo.example.org"))).toBe(false);
  });

  plainIt("candidates: the name and the wildcard over its parent, none over a two-label name", () => {
    expect(coveringNames(host("foo.apps.internal.example"))).toEqual(["foo.apps.internal.example", "*.apps.internal.example"]);
    expect(coveringNames(host("example.com"))).toEqual(["example.com"]);
    expect(coveringNames(host("bücher.example.org"))).toEqual(["xn--bcher-kva.example.org", "*.example.org"]);
  });

  plainIt("refuses what is not a host, naming it and saying what to type", () => {
    for (const bad of ["foo bar.example", "a..b", "http://x.example/"]) {
      const error = (() => {
        try {
          parseHost(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(error, bad).toBeInstanceOf(AppError);
      expect((error as AppError).field).toBe("host");
      expect((error as AppError).message).toContain("is not a host name or IP address");
    }
  });
});

describe("certificatesCoveringHost and the inventory's host filter", () => {
  const now = new Date("2032-02-01T00:00:00Z");
  let caId = "";
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    caId = (await createAuthority({ commonName: "Host Search CA" }, now)).authority.id;
    const issue = async (key: string, commonName: string, sans: { dns?: string[]; ip?: string[] }) => {
      ids[key] = (await issueCertificate({ caId, profile: "server", commonName, sans, validityDays: 90 }, now)).certificate.id;
    };
    await issue("wild", "*.apps.hs.test", { dns: ["*.apps.hs.test"] });
    await issue("exact", "foo.apps.hs.test", { dns: ["foo.apps.hs.test"] });
    await issue("sibling", "bar.apps.hs.test", { dns: ["bar.apps.hs.test"] });
    await issue("parent", "apps.hs.test", { dns: ["apps.hs.test"] });
    await issue("deeper", "x.foo.apps.hs.test", { dns: ["x.foo.apps.hs.test", "*.foo.apps.hs.test"] });
    // Names that hold the host as a substring: the text search finds them, a TLS client would not accept them.
    await issue("lookalike", "foo.apps.hs.test.lookalike.test", { dns: ["foo.apps.hs.test.lookalike.test", "xfoo.apps.hs.test"] });
    // The host between spaces in a Common Name: a substring search finds it, a TLS client would not accept it.
    await issue("spacedCn", "web foo.apps.hs.test prod", { dns: ["web.hs.test"] });
    await issue("ip", "ip.hs.test", { dns: ["ip.hs.test"], ip: ["10.77.0.5"] });
    await issue("ipNear", "ip2.hs.test", { dns: ["ip2.hs.test"], ip: ["10.77.0.50"] });
    await issue("revoked", "gone.apps.hs.test", { dns: ["*.apps.hs.test", "gone.apps.hs.test"] });
    await revokeCertificate(ids.revoked!, { reason: "superseded" }, now);
  });

  const names = (found: string[]) =>
    Object.entries(ids)
      .filter(([, id]) => found.includes(id))
      .map(([k]) => k)
      .sort();

  it("finds the exact name and the wildcard above it, nothing else", async () => {
    const found = await certificatesCoveringHost(parseHost("foo.apps.hs.test"));
    expect(names(found.ids)).toEqual(["exact", "revoked", "wild"]);
    expect(found.truncated).toBe(false);
    expect(names((await certificatesCoveringHost(parseHost("new.apps.hs.test"))).ids)).toEqual(["revoked", "wild"]);
    expect(names((await certificatesCoveringHost(parseHost("apps.hs.test"))).ids)).toEqual(["parent"]);
    expect(names((await certificatesCoveringHost(parseHost("y.foo.apps.hs.test"))).ids)).toEqual(["deeper"]);
  });

  it("never finds a Common Name or a value that only holds the name (the look-up is of whole SAN values)", async () => {
    const found = await certificatesCoveringHost(parseHost("foo.apps.hs.test"));
    for (const key of ["spacedCn", "lookalike", "sibling", "parent", "deeper"]) {
      expect(found.ids, key).not.toContain(ids[key]);
      expect(found.refused, key).not.toContain(ids[key]);
    }
  });

  it("matches IP SANs exactly", async () => {
    expect(names((await certificatesCoveringHost(parseHost("10.77.0.5"))).ids)).toEqual(["ip"]);
    expect(names((await certificatesCoveringHost(parseHost("10.77.0.50"))).ids)).toEqual(["ipNear"]);
  });

  it("narrows the inventory page together with its other filters, from the query string", async () => {
    const page = await searchCertificates(parseCertificateQuery({ host: "foo.apps.hs.test", caId }), now);
    expect(page.total).toBe(3);
    expect(page.rows.map((r) => r.commonName).sort()).toEqual(["*.apps.hs.test", "foo.apps.hs.test", "gone.apps.hs.test"]);
    const live = await searchCertificates(parseCertificateQuery({ host: "FOO.apps.hs.test", caId, status: "valid" }), now);
    expect(live.rows.map((r) => r.id).sort()).toEqual([ids.exact, ids.wild].sort());
    const none = await searchCertificates(parseCertificateQuery({ host: "nothing.else.test", caId }), now);
    expect(none.total).toBe(0);
  });

  it("a name many certificates cover: the name look-up minus the refused rows, beside a text search, within the SQLite adapter's parameter limit", async () => {
    const many = (await createAuthority({ commonName: "Host Search Many CA" }, now)).authority.id;
    for (let i = 0; i < 62; i++) {
      await issueCertificate({ caId: many, profile: "server", commonName: `n${i}.many.hs.test`, sans: { dns: [`n${i}.many.hs.test`, "*.many.hs.test"] } }, now);
    }
    await issueCertificate({ caId: many, profile: "server", commonName: "x x.many.hs.test y", sans: { dns: ["other.many2.hs.test"] } }, now);
    const page = await searchCertificates(parseCertificateQuery({ host: "anything.many.hs.test", pageSize: "200" }), now);
    expect(page.total).toBe(62);
    expect(page.rows.every((r) => r.sans.some((s) => s.value === "*.many.hs.test"))).toBe(true);
    // With the text search too (its index may add hundreds of ids of its own) and the other filters.
    const both = await searchCertificates(parseCertificateQuery({ host: "x.many.hs.test", q: "many.hs", caId: many, status: "valid" }), now);
    expect(both.total).toBe(62);
    expect(both.rows.map((r) => r.commonName)).not.toContain("x x.many.hs.test y");
    // The export's Prisma filter: more ids than it inlines, so the name look-up as a relation filter.
    expect(await getDb().certificate.count({ where: await hostWhere("anything.many.hs.test") })).toBe(62);
    expect(await getDb().certificate.count({ where: { AND: [{ authorityId: many }, await hostWhere("x.many.hs.test")] } })).toBe(62);
  });

  it("more covering certificates than an id list holds: the list filters by the name look-up itself", async () => {
    const bulk = (await createAuthority({ commonName: "Host Search Bulk CA" }, now)).authority.id;
    const template = await getDb().certificate.findUniqueOrThrow({ where: { id: ids.wild! } });
    const row = (i: number, sans: { type: string; value: string }[]) => ({
      ...template,
      id: randomUUID(),
      authorityId: bulk,
      serialHex: `b0${i.toString(16).padStart(30, "0")}`,
      commonName: `b${i}.bulk.hs.test`,
      sans: JSON.stringify(sans),
      encryptedKey: null,
      renewedFromId: null,
    });
    const covering = Array.from({ length: 905 }, (_, i) =>
      row(i, [
        { type: "dns", value: `b${i}.bulk.hs.test` },
        { type: "dns", value: i % 2 ? "*.Bulk.hs.test" : "*.bulk.hs.test." },
      ]),
    );
    // Near misses: a deeper wildcard, the parent itself, and the name only in an e-mail address.
    const others = [
      row(905, [{ type: "dns", value: "*.y.bulk.hs.test" }]),
      row(906, [{ type: "dns", value: "bulk.hs.test" }]),
      row(907, [{ type: "email", value: "x.bulk.hs.test" }]),
    ];
    for (let i = 0; i < covering.length; i += 200) await getDb().certificate.createMany({ data: covering.slice(i, i + 200) });
    await getDb().certificate.createMany({ data: others });
    expect(await hostFilter("x.bulk.hs.test")).toEqual({ names: ["x.bulk.hs.test", "*.bulk.hs.test"], notIds: [] });
    const page = await searchCertificates(parseCertificateQuery({ host: "x.bulk.hs.test", caId: bulk, pageSize: "10" }), now);
    expect(page.total).toBe(905);
    expect(page.totalExact).toBe(true);
    const last = await searchCertificates(parseCertificateQuery({ host: "x.bulk.hs.test", caId: bulk, pageSize: "10", page: "91" }), now);
    expect(last.rows.length).toBe(5);
    expect(last.rows.every((r) => covering.some((c) => c.id === r.id))).toBe(true);
    const parent = await searchCertificates(parseCertificateQuery({ host: "bulk.hs.test", caId: bulk }), now);
    expect(parent.rows.map((r) => r.commonName)).toEqual(["b906.bulk.hs.test"]);
    const deeper = await searchCertificates(parseCertificateQuery({ host: "a.y.bulk.hs.test", caId: bulk }), now);
    expect(deeper.rows.map((r) => r.commonName)).toEqual(["b905.bulk.hs.test"]);
  });
});
