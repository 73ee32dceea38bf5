import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runAs } from "../auth/actor";
import { getDb } from "../db";
import { createEndpoint, startAcmeSite } from "../testing/acme";
import { acmeAccountActor } from "./actor";
import { AcmeProblem } from "./problem";
import { newOrder, ORDERS_PER_ACCOUNT_HOUR, readIdentifiers } from "./ra";

describe("ACME registration authority", () => {
  it("refuses new orders past the hourly limit with rateLimited and Retry-After", async () => {
    const site = await startAcmeSite("Rate");
    try {
      const endpoint = await createEndpoint({ name: "rate", caId: site.caId });
      const db = getDb();
      const account = await db.acmeAccount.create({
        data: { id: randomUUID(), endpointId: endpoint.id, jwk: "{}", thumbprint: "rate-thumb", status: "valid" },
      });
      const now = new Date();
      await db.acmeOrder.createMany({
        data: Array.from({ length: ORDERS_PER_ACCOUNT_HOUR }, (_, i) => ({
          id: randomUUID(),
          endpointId: endpoint.id,
          accountId: account.id,
          status: "invalid",
          identifiers: "[]",
          profile: "tlsserver",
          expires: now,
          createdAt: new Date(now.getTime() - 3_000_000 + i),
        })),
      });
      const asAccount = <T>(fn: () => Promise<T>) => runAs(acmeAccountActor(endpoint, account, null), fn);
      const order = (at: Date) => asAccount(() => newOrder(endpoint, account, { identifiers: [{ type: "dns", value: "a.example" }] }, at));
      const refused = await order(now).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AcmeProblem);
      expect((refused as AcmeProblem).type).toBe("rateLimited");
      expect((refused as AcmeProblem).status).toBe(429);
      expect(Number((refused as AcmeProblem).options.headers?.["Retry-After"])).toBe(600);
      // An hour later the same account may order again.
      const later = await order(new Date(now.getTime() + 3_600_000));
      expect(later.status).toBe("pending");
    } finally {
      await site.close();
    }
  });

  it("normalises identifiers: lowercase names, canonical IPv6, IPs sent as dns (lego 4.9), duplicates once", () => {
    expect(
      readIdentifiers([
        { type: "dns", value: "WWW.Example.internal." },
        { type: "ip", value: "2001:DB8:0:0::1" },
        { type: "dns", value: "10.0.0.1" },
        { type: "dns", value: "www.example.internal" },
      ]),
    ).toEqual([
      { type: "dns", value: "www.example.internal" },
      { type: "ip", value: "2001:db8::1" },
      { type: "ip", value: "10.0.0.1" },
    ]);
    expect(() => readIdentifiers([{ type: "email", value: "a@b" }])).toThrow(/not supported: use "dns" or "ip"/);
    expect(() => readIdentifiers([{ type: "dns", value: "*.com" }])).toThrow(/at least two labels/);
    expect(() => readIdentifiers([{ type: "dns", value: "a..b" }])).toThrow(/not a valid DNS name/);
  });
});
