import { describe, expect } from "vitest";
import { it } from "../testing/system";
import { createAuthority } from "../services/create-authority";
import { issueCertificate } from "../services/issue-certificate";
import { revokeAuthority } from "../services/revoke-authority";
import { revokeCertificate } from "../services/revoke-certificate";
import { authorityTree, type AuthorityNode } from "./authority-tree";

const DAY = 86_400_000;
const t0 = new Date("2033-05-01T00:00:00Z");
const at = (days: number) => new Date(t0.getTime() + days * DAY);

function find(nodes: AuthorityNode[], id: string): AuthorityNode | undefined {
  for (const n of nodes) {
    if (n.id === id) return n;
    const below = find(n.children, id);
    if (below) return below;
  }
  return undefined;
}

describe("authorityTree: the Authorities page's hierarchy", () => {
  it("nests intermediates under their parent with per-status counts and health colours", async () => {
    const root = (await createAuthority({ commonName: "Tree Root", validityDays: 3650 }, t0)).authority;
    const issuing = (await createAuthority({ commonName: "Tree Issuing", parentId: root.id, validityDays: 1000 }, t0)).authority;
    const doomed = (await createAuthority({ commonName: "Tree Doomed", parentId: root.id, validityDays: 1000, pathLen: 1 }, t0)).authority;
    const below = (await createAuthority({ commonName: "Tree Below Doomed", parentId: doomed.id, validityDays: 500 }, t0)).authority;
    const issue = (name: string, validityDays: number) =>
      issueCertificate({ caId: issuing.id, profile: "server", commonName: name, validityDays }, t0);
    await issue("a.tree.test", 365);
    await issue("b.tree.test", 365);
    await issue("soon.tree.test", 40); // expiring from day 10 (30-day threshold)
    const gone = await issue("gone.tree.test", 365);
    await revokeCertificate(gone.certificate.id, { reason: "keyCompromise" }, t0);
    await revokeAuthority(doomed.id, { reason: "cessationOfOperation" }, t0);

    const now = at(20);
    const tree = await authorityTree(now);
    const rootNode = tree.find((n) => n.id === root.id)!;
    expect(rootNode.isRoot).toBe(true);
    expect(rootNode.children.map((c) => c.commonName)).toEqual(["Tree Issuing", "Tree Doomed"]);
    expect(rootNode.health).toBe("good");

    const issuingNode = find(tree, issuing.id)!;
    expect(issuingNode.isRoot).toBe(false);
    expect(issuingNode.keyType).toBe("ecdsa-p256");
    expect(issuingNode.counts).toEqual({ valid: 2, expiring: 1, expired: 0, revoked: 1 });
    expect(issuingNode).toMatchObject({ health: "warn", healthReason: "1 certificate to renew" });

    // Revoked, and a CA signed by a revoked CA is red too: its chain no longer validates.
    expect(find(tree, doomed.id)).toMatchObject({ health: "bad", healthReason: "revoked", revoked: true });
    expect(find(tree, below.id)).toMatchObject({ health: "bad", healthReason: "its issuer is revoked" });
    expect(find(rootNode.children, below.id)?.id).toBe(below.id);

    // Later: the expiring one has expired, the issuing CA is within 180 days of its end.
    const later = find(await authorityTree(at(900)), issuing.id)!;
    expect(later.counts).toEqual({ valid: 0, expiring: 0, expired: 3, revoked: 1 });
    expect(later).toMatchObject({ health: "warn", healthReason: "expires within 180 days" });
    expect(find(await authorityTree(at(1001)), issuing.id)).toMatchObject({ health: "bad", healthReason: "expired" });
  });
});
