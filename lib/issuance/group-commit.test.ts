import { describe, expect } from "vitest";
import { getDb } from "../db";
import { createAuthority } from "../services/create-authority";
import { issueCertificate } from "../services/issue-certificate";
import { beforeAll, it } from "../testing/system";
import { GroupCommit, ItemRefused } from "./group-commit";
import { groupCommitStats } from "./store";

describe("GroupCommit", () => {
  it("answers nobody before their batch commits, batches what arrives meanwhile, and keeps order", async () => {
    const committed: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const group = new GroupCommit<number, string>({
      maxBatch: 3,
      commit: async (items) => {
        if (committed.length === 0) await gate;
        committed.push(items);
        return items.map((i) => `row ${i}`);
      },
    });
    const answered: number[] = [];
    const first = group.add(0).then((r) => (answered.push(0), r));
    await new Promise((resolve) => setImmediate(resolve));
    // The first batch is committing; these wait for the next ones (at most 3 each).
    const rest = [1, 2, 3, 4].map((i) => group.add(i).then((r) => (answered.push(i), r)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toEqual([]);
    release();
    expect(await Promise.all([first, ...rest])).toEqual(["row 0", "row 1", "row 2", "row 3", "row 4"]);
    expect(committed).toEqual([[0], [1, 2, 3], [4]]);
  });

  it("a failing item fails alone: its batch is retried one by one", async () => {
    const group = new GroupCommit<number, number>({
      maxBatch: 10,
      commit: async (items) => {
        if (items.includes(2)) throw new Error("bad row 2");
        return items;
      },
    });
    const results = await Promise.allSettled([1, 2, 3].map((i) => group.add(i)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe("bad row 2");
  });

  it("an item the commit refuses is rejected alone, in the same batch, without a retry", async () => {
    const commits: number[][] = [];
    const group = new GroupCommit<number, number>({
      maxBatch: 10,
      commit: async (items) => {
        commits.push(items);
        return items.map((i) => (i === 2 ? new ItemRefused(new Error("CA changed")) : i * 10));
      },
    });
    const results = await Promise.allSettled([1, 2, 3].map((i) => group.add(i)));
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([10, "CA changed", 30]);
    expect(commits).toEqual([[1, 2, 3]]);
  });
});

describe("issuances committed in groups", () => {
  let caId: string;
  beforeAll(async () => {
    caId = (await createAuthority({ commonName: "Group Commit Root", keyType: "ecdsa-p256" })).authority.id;
  });

  it("60 concurrent issuances: each returned row is stored with its audit event, some batches hold several", async () => {
    const before = { ...groupCommitStats };
    const issued = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        issueCertificate({ caId, commonName: `g${i}.example.com`, sans: { dns: [`g${i}.example.com`] }, keyType: "ecdsa-p256" }),
      ),
    );
    const ids = issued.map((r) => r.certificate.id);
    expect(new Set(issued.map((r) => r.certificate.serialHex)).size).toBe(60);
    const db = getDb();
    const stored = await db.certificate.findMany({ where: { id: { in: ids } } });
    expect(stored).toHaveLength(60);
    for (const row of stored) expect(row).toEqual(issued.find((r) => r.certificate.id === row.id)!.certificate);
    const audits = await db.auditEvent.findMany({ where: { objectId: { in: ids }, action: "certificate.issue" } });
    expect(audits.map((a) => a.objectId).sort()).toEqual([...ids].sort());
    expect(groupCommitStats.items - before.items).toBe(60);
    expect(groupCommitStats.batches - before.batches).toBeLessThan(60);
  });
});
