/**
 * Certificate policy processing on one path: RFC 5280 6.1.2 (d)-(f) and (i)-(j), 6.1.3 (d)-(f),
 * 6.1.4 (a)-(b), (h)-(j) and 6.1.5 (a)-(b), (g), with the valid_policy_tree kept as the policy
 * graph of RFC 9618 (one node per policy at each depth, several parents allowed), which gives the
 * same answers without the tree's exponential growth. The relying party's inputs are RFC 5280's
 * defaults (user-initial-policy-set = {anyPolicy}, nothing inhibited or required at the start);
 * the trust anchor's own constraints, when it carries them, tighten those inputs (RFC 5937 3.2).
 */
import type { ParsedCertificate } from "./certificate";
import { OID } from "./oids";
import type { Finding, Role } from "./types";

interface PolicyNode {
  policy: string;
  expected: Set<string>;
  parents: Set<PolicyNode>;
  childCount: number;
}

/** Graph edges created before the path is refused: pathological policy sets stay cheap (RFC 9618 6). */
const POLICY_BUDGET = 100_000;

/** Who set a counter to its current value, for the message when it reaches zero. */
interface Counter {
  value: number;
  setBy?: string;
}

const ANY = OID.anyPolicy;

/** The POLICY finding for this path (leaf first, trust anchor last), or undefined when its policies are acceptable. */
export function policyFinding(path: ParsedCertificate[], roles: Role[]): Finding | undefined {
  const n = path.length - 1; // certificates 1..n are path[n-1] .. path[0]; the anchor is not one of them
  if (n < 1) return undefined;
  const anchor = path[n]!;
  const at = (i: number) => path[n - i]!;
  const role = (i: number) => roles[n - i]!;
  const fail = (i: number, rule: string, section: string, message: string): Finding => ({
    code: "POLICY",
    rule,
    section,
    certificate: at(i).subject.text,
    role: role(i),
    message,
  });

  // 6.1.2: initial state, tightened by the anchor's own constraints.
  const start = (skip: number | undefined): Counter =>
    skip !== undefined && skip < n + 1 ? { value: skip, setBy: anchor.subject.text } : { value: n + 1 };
  const explicit = start(anchor.policyConstraints?.requireExplicitPolicy);
  const mapping = start(anchor.policyConstraints?.inhibitPolicyMapping);
  const inhibitAny = start(anchor.inhibitAnyPolicy);
  let levels: Map<string, PolicyNode>[] | null = [
    new Map([[ANY, { policy: ANY, expected: new Set([ANY]), parents: new Set(), childCount: 0 }]]),
  ];
  let budget = POLICY_BUDGET;
  /** Why the tree became NULL, and the rule behind it, for the refusal. */
  let emptiedBy = "";
  let emptiedRule = "4.2.1.4";

  const prune = (depth: number) => {
    for (let d = depth; d >= 1 && levels; d--) {
      for (const [policy, node] of levels[d - 1]!)
        if (node.childCount === 0) {
          levels[d - 1]!.delete(policy);
          for (const p of node.parents) p.childCount--;
        }
    }
    if (levels && levels[0]!.size === 0) levels = null;
  };
  const link = (child: PolicyNode, parent: PolicyNode) => {
    if (child.parents.has(parent)) return;
    child.parents.add(parent);
    parent.childCount++;
    budget--;
  };

  for (let i = 1; i <= n; i++) {
    const cert = at(i);
    const name = `"${cert.subject.text}"`;
    // 6.1.3 (d): certificate policies extend the graph by one depth.
    if (levels && cert.policies) {
      let skippedAny = "";
      const previous = levels[i - 1]!;
      const level = new Map<string, PolicyNode>();
      const node = (policy: string, parents: Iterable<PolicyNode>) => {
        const made = level.get(policy) ?? { policy, expected: new Set([policy]), parents: new Set<PolicyNode>(), childCount: 0 };
        level.set(policy, made);
        for (const p of parents) link(made, p);
        return made;
      };
      const anyParent = previous.get(ANY);
      for (const p of new Set(cert.policies)) {
        if (p === ANY) continue;
        const parents = [...previous.values()].filter((q) => q.expected.has(p));
        if (parents.length)
          node(p, parents); // (d)(1)(i)
        else if (anyParent) node(p, [anyParent]); // (d)(1)(ii)
      }
      // (d)(2): anyPolicy counts while inhibit_anyPolicy is positive, and in a self-issued intermediate.
      if (cert.policies.includes(ANY)) {
        if (inhibitAny.value > 0 || (i < n && cert.selfIssued)) {
          const fromAny = new Set<string>();
          for (const parent of previous.values())
            for (const p of parent.expected)
              if (!level.has(p) || fromAny.has(p)) {
                fromAny.add(p);
                node(p, [parent]);
              }
        } else
          skippedAny = ` (${name} asserts anyPolicy, which ${inhibitAny.setBy ? `"${inhibitAny.setBy}"` : "the path"} no longer allows with inhibitAnyPolicy)`;
      }
      if (budget < 0)
        return fail(
          i,
          "policy processing is bounded",
          "RFC 9618 6",
          `Its certificate policies and mappings need more than ${POLICY_BUDGET} policy graph edges; cadesk refuses such paths rather than risk a denial of service.`,
        );
      levels.push(level);
      prune(i); // (d)(3)
      if (!levels) {
        emptiedBy = skippedAny || ` (none of the policies of ${name} continues a policy accepted above it)`;
        emptiedRule = skippedAny ? "6.1.3 (d)(2) / 4.2.1.14" : "6.1.3 (d)(1)";
      }
    } else if (levels) {
      // 6.1.3 (e): no certificatePolicies extension, no acceptable policy below.
      levels = null;
      emptiedBy = ` (${name} has no Certificate Policies extension)`;
      emptiedRule = "6.1.3 (e)";
    }
    // 6.1.3 (f)
    if (explicit.value <= 0 && !levels)
      return fail(
        i,
        "when a CA requires an explicit policy, every certificate below it must carry an acceptable certificate policy",
        `RFC 5280 6.1.3 (f), ${emptiedRule}`,
        `${explicit.setBy ? `"${explicit.setBy}"` : "A CA above it"} sets requireExplicitPolicy, but no policy is valid for the path down to it${emptiedBy}.`,
      );
    if (i === n) break;

    // 6.1.4 (a)-(b): policy mappings for the next certificate.
    if (cert.policyMappings) {
      const toAny = cert.policyMappings.find((m) => m.issuerDomainPolicy === ANY || m.subjectDomainPolicy === ANY);
      if (toAny)
        return fail(
          i,
          "a policy mapping may not map to or from anyPolicy",
          "RFC 5280 6.1.4 (a) / 4.2.1.5",
          `Its Policy Mappings extension maps ${toAny.issuerDomainPolicy === ANY ? "anyPolicy" : toAny.issuerDomainPolicy} to ${toAny.subjectDomainPolicy === ANY ? "anyPolicy" : toAny.subjectDomainPolicy}.`,
        );
      if (levels) {
        const level = levels[i]!;
        const mapped = new Map<string, Set<string>>();
        for (const m of cert.policyMappings) {
          if (!mapped.has(m.issuerDomainPolicy)) mapped.set(m.issuerDomainPolicy, new Set());
          mapped.get(m.issuerDomainPolicy)!.add(m.subjectDomainPolicy);
        }
        if (mapping.value > 0) {
          // (b)(1): the mapped node expects the subject-domain policies instead of its own.
          const any = level.get(ANY);
          for (const [from, to] of mapped) {
            const existing = level.get(from);
            if (existing) existing.expected = to;
            else if (any) {
              const made: PolicyNode = { policy: from, expected: to, parents: new Set(), childCount: 0 };
              for (const p of any.parents) link(made, p);
              level.set(from, made);
            }
          }
        } else {
          // (b)(2): mapping inhibited: the mapped policies end here.
          for (const from of mapped.keys()) {
            const gone = level.get(from);
            if (!gone) continue;
            level.delete(from);
            for (const p of gone.parents) p.childCount--;
          }
          if (level.size === 0) {
            levels = null;
            emptiedBy = ` (${name} maps its policies, but ${mapping.setBy ? `"${mapping.setBy}"` : "the path"} inhibits policy mapping)`;
            emptiedRule = "6.1.4 (b)(2) / 4.2.1.11";
          } else prune(i);
        }
      }
    }
    // 6.1.4 (h)-(j): counters for the certificates below.
    if (!cert.selfIssued) for (const c of [explicit, mapping, inhibitAny]) if (c.value > 0) c.value--;
    const lower = (c: Counter, skip: number | undefined) => {
      if (skip !== undefined && skip < c.value) {
        c.value = skip;
        c.setBy = cert.subject.text;
      }
    };
    lower(explicit, cert.policyConstraints?.requireExplicitPolicy);
    lower(mapping, cert.policyConstraints?.inhibitPolicyMapping);
    lower(inhibitAny, cert.inhibitAnyPolicy);
  }

  // 6.1.5 (a)-(b), (g): the leaf's own constraint, and the final check.
  const leaf = at(n);
  if (explicit.value > 0) explicit.value--;
  if (leaf.policyConstraints?.requireExplicitPolicy === 0) {
    explicit.value = 0;
    explicit.setBy = leaf.subject.text;
  }
  if (explicit.value <= 0 && !levels)
    return fail(
      n,
      "when a certificate requires an explicit policy, the path must end with an acceptable certificate policy",
      `RFC 5280 6.1.5 (a)-(b), (g), ${emptiedRule}`,
      `${explicit.setBy ? `"${explicit.setBy}"` : "A CA in the path"} sets requireExplicitPolicy, but no policy is valid for the whole path${emptiedBy}.`,
    );
  return undefined;
}
