import { describe, expect, it } from "vitest";
import { runAs, SYSTEM_ACTOR } from "../auth/actor";
import { createAuthority } from "../services/create-authority";
import { issueCertificate } from "../services/issue-certificate";
import { reachedThreshold } from "../services/expiry-notices";
import { searchCertificates } from "./certificates";
import { getOverview } from "./overview";
import { certificateStatus, expiringFrom, expiringWindowDays } from "./status";

const DAY = 86_400_000;
const issued = new Date("2031-03-01T00:00:00Z");
const at = (days: number) => new Date(issued.getTime() + days * DAY);

describe("expiring: the notices' rule, a threshold shorter than the lifetime", () => {
  it("uses 30 days for long lifetimes, 7 for 30-day certificates, 1 for a week, none for a day", () => {
    expect(expiringWindowDays(issued, at(90))).toBe(30);
    expect(expiringWindowDays(issued, at(30))).toBe(7);
    expect(expiringWindowDays(issued, at(7))).toBe(1);
    expect(expiringWindowDays(issued, at(1))).toBe(0);
    expect(expiringFrom(issued, at(30))).toEqual(at(23));
  });

  it("agrees with the expiry notices of the default rule on every day of a 30- and a 90-day life", () => {
    for (const lifetime of [1, 7, 30, 90]) {
      for (let day = 0; day < lifetime; day += 0.5) {
        const status = certificateStatus({ status: "active", notBefore: issued, notAfter: at(lifetime) }, at(day));
        const notice = reachedThreshold([30, 7, 1], issued, at(lifetime), at(day));
        expect(status === "expiring", `lifetime ${lifetime}, day ${day}`).toBe(notice !== null);
      }
    }
  });

  it("a 30-day certificate is valid when issued and expiring 7 days before its end, in the inventory filter and the overview too", () =>
    runAs(SYSTEM_ACTOR, async () => {
    const ca = await createAuthority({ commonName: "Status Rule CA" }, issued);
    const short = await issueCertificate({ caId: ca.authority.id, profile: "server", commonName: "short.status.test", validityDays: 30 }, issued);
    const long = await issueCertificate({ caId: ca.authority.id, profile: "server", commonName: "long.status.test", validityDays: 45 }, issued);
    const ids = async (status: "valid" | "expiring", now: Date) =>
      (await searchCertificates({ q: undefined, caId: ca.authority.id, status, sort: "expiry", page: 1, pageSize: 50 }, now)).rows.map((r) => r.commonName);

    expect(await ids("expiring", at(0.01))).toEqual([]);
    expect(await ids("valid", at(0.01))).toEqual(["short.status.test", "long.status.test"]);
    // Day 20: the 45-day one is within 30 days of its end, the 30-day one not yet within 7.
    expect(await ids("expiring", at(20))).toEqual(["long.status.test"]);
    expect(await ids("expiring", at(24))).toEqual(["short.status.test", "long.status.test"]);
    expect((await searchCertificates({ q: undefined, caId: ca.authority.id, sort: "expiry", page: 1, pageSize: 50 }, at(24))).rows.map((r) => r.status)).toEqual([
      "expiring",
      "expiring",
    ]);
    expect(short.certificate.notAfter.getTime() - long.certificate.notAfter.getTime()).toBe(-15 * DAY);

    // The overview's bars: on day 20 the 30-day certificate (10 days left) is in the second week but
    // not amber, the 45-day one (25 days left) in the fourth and amber; on day 24 the first is amber.
    const day20 = (await getOverview(at(20))).timeline;
    expect(day20[1]).toMatchObject({ count: 1, expiring: 0 });
    expect(day20[3]).toMatchObject({ count: 1, expiring: 1 });
    expect((await getOverview(at(24))).timeline[0]).toMatchObject({ count: 1, expiring: 1 });
    }));
});
