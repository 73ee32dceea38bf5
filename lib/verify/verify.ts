/**
 * Path building and RFC 5280 section 6 validation, one validator for Inspect and the connection
 * doctor. Modelled on Go's crypto/x509 (`buildChains`: every candidate issuer by name, AKI/SKI
 * first, with a signature-check budget) and rustls-webpki's `verify_cert.rs` (name constraints and
 * every other rule checked per path, loops refused, a budget against pathological inputs): the
 * first path that passes every rule wins; if none does, the first complete path's failure is the
 * verdict, or the missing issuer when no path reaches a trust anchor.
 */
import { CertificateParseError, parseCertificate, type ParsedCertificate } from "./certificate";
import { constraintProblem, isValidMailbox, normalizeHost, subtreeRelation, type GeneralName } from "./names";
import { policyFinding } from "./policy";
import { checkCrls, parseCrl, type ParsedCrl } from "./revocation";
import { certificateFindings, hostnameFinding } from "./rules";
import { verifySignature } from "./signature";
import type { AnchorInput, Finding, PathEntry, Role, Verdict, VerifyOptions } from "./types";

interface Node {
  cert: ParsedCertificate;
  anchor?: AnchorInput;
  source: string;
  supplied: boolean;
}

/** Go's crypto/x509 allows 100 signature checks per verification; rustls a similar budget. */
const SIGNATURE_BUDGET = 100;
/** Complete paths validated before giving up (each is a full RFC 5280 run). */
const PATH_BUDGET = 32;
/** rustls-webpki's budget for name-constraint comparisons, against quadratic blow-up. */
const NAME_CONSTRAINT_BUDGET = 250_000;

/** Byte equality without making hex strings (the path search compares keys per candidate and per path entry). */
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(a, b) === 0;
const day = (d: Date) => d.toISOString().slice(0, 10);
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const stamp = (d: Date) => d.toISOString().replace("T", " ").slice(0, 19) + " UTC";

function entry(node: Node, role: Role): PathEntry {
  return {
    subject: node.cert.subject.text,
    issuer: node.cert.issuer.text,
    role,
    source: node.anchor ? `trust anchor: ${node.anchor.name}` : node.source,
    sha256: node.cert.sha256,
    notAfter: node.cert.notAfter.toISOString(),
  };
}

function rolesOf(path: Node[]): Role[] {
  return path.map((n, i) => (i === 0 ? "leaf" : n.anchor ? "trust anchor" : "intermediate"));
}

/**
 * Verifies a leaf against trust anchors, building the path over the intermediates given. Pure:
 * time, purpose, mode and revocation state are parameters.
 */
export function verifyChain(opts: VerifyOptions): Verdict {
  const time = new Date(Math.floor((opts.time ?? new Date()).getTime() / 1000) * 1000); // certificates count in whole seconds
  const mode = opts.mode ?? "private";
  const purpose = opts.purpose ?? "server";
  const hostname = opts.hostname ? normalizeHost(opts.hostname) : undefined;
  const base = {
    mode,
    purpose,
    validationTime: time.toISOString(),
    rulesApplied: rulesApplied(opts, hostname, time),
    warnings: [] as Finding[],
  };

  const read = opts.read ?? parseCertificate;
  let leaf: ParsedCertificate;
  try {
    leaf = read(opts.leaf);
  } catch (error) {
    if (!(error instanceof CertificateParseError)) throw error;
    const failure = refusal(
      "MALFORMED_CERTIFICATE",
      "a certificate is DER-encoded as RFC 5280 defines it",
      "RFC 5280 4.1",
      "(unreadable)",
      "leaf",
      `It cannot be read: ${error.message}.`,
    );
    return {
      ...base,
      ok: false,
      code: failure.code,
      failure,
      explanation: `The certificate cannot be read: ${error.message} (${failure.section}).`,
      path: [],
    };
  }

  const pool = new Map<string, Node>();
  const skipped: string[] = [];
  for (const a of opts.anchors) {
    try {
      const cert = read(a.der);
      if (!pool.has(cert.sha256)) pool.set(cert.sha256, { cert, anchor: a, source: "trust anchor", supplied: true });
    } catch {
      skipped.push(`a trust anchor (${a.name}) that is not a valid certificate`);
    }
  }
  for (const i of opts.intermediates ?? []) {
    try {
      const cert = read(i.der);
      const known = pool.get(cert.sha256);
      if (!known) pool.set(cert.sha256, { cert, source: i.source, supplied: i.supplied });
      else if (i.supplied && !known.supplied) known.supplied = true;
    } catch {
      skipped.push(`a certificate from ${i.source} that cannot be read`);
    }
  }
  const bySubject = new Map<string, Node[]>();
  for (const node of pool.values()) {
    if (!bySubject.has(node.cert.subject.key)) bySubject.set(node.cert.subject.key, []);
    bySubject.get(node.cert.subject.key)!.push(node);
  }
  const crls = (opts.crls ?? []).map(parseCrl).filter((c): c is ParsedCrl => !!c);

  const signatures = new Map<string, boolean>();
  let signatureChecks = 0;
  const signedBy = (child: ParsedCertificate, parent: ParsedCertificate): boolean => {
    const key = child.sha256 + parent.sha256;
    if (!signatures.has(key)) {
      signatureChecks++;
      signatures.set(key, verifySignature(child.tbs, child.signature, child.signatureAlgorithm, parent.spki));
    }
    return signatures.get(key)!;
  };

  const context = { opts, time, mode, purpose, hostname, crls, base };
  const leafNode: Node = { cert: leaf, source: "pasted", supplied: true };
  const asAnchor = pool.get(leaf.sha256);
  if (asAnchor?.anchor) return validatePath([{ ...leafNode, anchor: asAnchor.anchor }], context);

  const maxIntermediates = opts.maxIntermediates ?? 8;
  const failures: Verdict[] = [];
  let longest: Node[] = [leafNode];
  let badSignature: { child: Node; parent: Node } | undefined;
  /** The first path that one more CA would have made too long, that CA last. */
  let tooLong: Node[] | undefined;
  let paths = 0;

  const candidates = (child: ParsedCertificate): Node[] => {
    const aki = child.authorityKeyId?.keyId;
    const rank = (n: Node) =>
      (n.anchor ? 0 : n.supplied ? 10 : 20) + (!aki || !n.cert.subjectKeyId ? 1 : sameBytes(n.cert.subjectKeyId.keyId, aki) ? 0 : 2);
    const ranked = (bySubject.get(child.issuer.key) ?? []).map((n, i) => ({ n, r: rank(n), i }));
    // Stable, as Array.prototype.sort is: equal ranks keep the pool's order.
    return ranked.sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.n);
  };

  const search = (path: Node[], intermediates: number): Verdict | undefined => {
    const current = path[path.length - 1]!;
    let extended = false;
    for (const cand of candidates(current.cert)) {
      if (signatureChecks >= SIGNATURE_BUDGET || paths >= PATH_BUDGET) break;
      // A loop: the same certificate, or the same name and key, already in the path (rustls).
      if (
        path.some(
          (n) =>
            n.cert.sha256 === cand.cert.sha256 || (n.cert.subject.key === cand.cert.subject.key && sameBytes(n.cert.spki, cand.cert.spki)),
        )
      )
        continue;
      if (!signedBy(current.cert, cand.cert)) {
        badSignature ??= { child: current, parent: cand };
        continue;
      }
      extended = true;
      if (cand.anchor) {
        paths++;
        const verdict = validatePath([...path, cand], context);
        if (verdict.ok || verdict.code === "MISSING_INTERMEDIATE") return verdict;
        failures.push(verdict);
        continue;
      }
      const count = intermediates + (cand.cert.selfIssued ? 0 : 1);
      if (count > maxIntermediates) {
        tooLong ??= [...path, cand];
        continue;
      }
      const found = search([...path, cand], count);
      if (found) return found;
    }
    if (!extended && path.length > longest.length) longest = path;
    return undefined;
  };

  const found = search([leafNode], 0);
  if (found) return found;
  if (failures.length) return failures[0]!;
  const partial = longest.map((n, i) => entry(n, i === 0 ? "leaf" : "intermediate"));
  // Refusals before any complete path: each still names its rule, certificate and section.
  const roleIn = (node: Node): Role => (node === leafNode ? "leaf" : "intermediate");
  if (badSignature) {
    const { child, parent } = badSignature;
    const explanation = `"${child.cert.subject.text}" names "${parent.cert.subject.text}" as its issuer, but that CA's key did not sign it: the signature does not verify (RFC 5280 6.1.3 (a)(1)). The certificate was altered, or it comes from another CA with the same name.`;
    const failure = refusal(
      "BAD_SIGNATURE",
      "each certificate's signature must verify with its issuer's public key",
      "RFC 5280 6.1.3 (a)(1)",
      child.cert.subject.text,
      roleIn(child),
      explanation,
    );
    return { ...base, ok: false, code: failure.code, failure, explanation, path: partial };
  }
  if (tooLong) {
    const extra = tooLong[tooLong.length - 1]!;
    const explanation = `No path to a trust anchor within ${maxIntermediates} intermediate CAs: "${extra.cert.subject.text}" would be one too many, so the chain is longer than clients accept, or it loops (RFC 5280 6.1: verifiers bound the path length n; Go and rustls do too).`;
    const failure = refusal(
      "CHAIN_TOO_LONG",
      `a path may hold at most ${maxIntermediates} intermediate CAs`,
      "RFC 5280 6.1 (the path length n, bounded by the verifier)",
      extra.cert.subject.text,
      "intermediate",
      explanation,
    );
    return {
      ...base,
      ok: false,
      code: failure.code,
      failure,
      explanation,
      path: tooLong.map((n, i) => entry(n, i === 0 ? "leaf" : "intermediate")),
    };
  }
  const end = longest[longest.length - 1]!;
  const unknown = (explanation: string) =>
    refusal(
      "UNKNOWN_AUTHORITY",
      "a path must end at a trust anchor the verifier was given",
      "RFC 5280 6.1.1 (d)",
      end.cert.subject.text,
      roleIn(end),
      explanation,
    );
  if (end.cert.selfIssued && signedBy(end.cert, end.cert)) {
    const explanation = `The chain ends at the root "${end.cert.subject.text}", which is not trusted here (RFC 5280 6.1.1 (d): a path must end at a trust anchor). A client must have this root in its trust store (or pick the right CA as trust anchor) to accept the certificate: "certificate signed by unknown authority".`;
    const failure = unknown(explanation);
    return { ...base, ok: false, code: failure.code, failure, explanation, path: partial };
  }
  const missing = end.cert.issuer.text;
  const explanation = `Nothing here issued "${end.cert.subject.text}": its issuer "${missing}" is missing${opts.anchors.length ? " and is not a trust anchor" : ""} (RFC 5280 6.1.1 (d): a path must end at a trust anchor). If "${missing}" is an intermediate CA, the server must send it after its own certificate (serve the fullchain file); if it is a root, the client must trust it.`;
  const failure = unknown(explanation);
  return {
    ...base,
    ok: false,
    code: failure.code,
    failure,
    explanation,
    path: partial,
    missingIssuer: missing,
    caIssuers: end.cert.caIssuers,
  };
}

/** A refusal as a Finding, so every verdict that is not ok names its rule, certificate and section. */
function refusal(code: Finding["code"], rule: string, section: string, certificate: string, role: Role, message: string): Finding {
  return { code, rule, section, certificate, role, message };
}

interface Context {
  opts: VerifyOptions;
  time: Date;
  mode: "private" | "webpki";
  purpose: "server" | "client";
  hostname?: string;
  crls: ParsedCrl[];
  base: Omit<Verdict, "ok" | "explanation" | "path">;
}

/** Every RFC 5280 section 6 rule on one complete path (leaf first, trust anchor last). */
function validatePath(path: Node[], ctx: Context): Verdict {
  const roles = rolesOf(path);
  const entries = path.map((n, i) => entry(n, roles[i]!));
  const errors: Finding[] = [];
  const webpki: Finding[] = [];
  const strictAnchors = ctx.opts.strictAnchors ?? true;
  const find = (f: Finding) => (f.webpki ? webpki : errors).push(f);

  // Validity (RFC 5280 6.1.3 (a)(2)), leaf first: the most likely culprit is named first.
  path.forEach((n, i) => {
    const c = n.cert;
    const who = i === 0 ? "The certificate" : `The CA certificate "${c.subject.text}"`;
    if (c.notAfter < ctx.time)
      find({
        code: "EXPIRED",
        rule: "every certificate in the path must be valid at the validation time",
        section: "RFC 5280 6.1.3 (a)(2)",
        certificate: c.subject.text,
        role: roles[i]!,
        message: `${who} expired on ${stamp(c.notAfter)} (validating at ${stamp(ctx.time)}). Renew it; clients reject it with "certificate has expired".`,
      });
    else if (c.notBefore > ctx.time)
      find({
        code: "NOT_YET_VALID",
        rule: "every certificate in the path must be valid at the validation time",
        section: "RFC 5280 6.1.3 (a)(2)",
        certificate: c.subject.text,
        role: roles[i]!,
        message: `${who} is not valid until ${stamp(c.notBefore)} (validating at ${stamp(ctx.time)}): "certificate is not yet valid". Check the issuing machine's clock.`,
      });
  });

  // Revocation (RFC 5280 6.1.3 (a)(3)): pasted CRLs, then cadesk's own state.
  let revoked: Verdict["revoked"];
  for (let i = 0; i < path.length - 1 && !revoked; i++) {
    const cert = path[i]!.cert;
    const issuer = path[i + 1]!.cert;
    const crl = checkCrls(cert, issuer, ctx.crls, ctx.time);
    const own = crl.status === "none" || crl.status === "good" ? ctx.opts.revocation?.(cert, issuer) : undefined;
    const hit = crl.status === "revoked" ? { revokedAt: crl.date, reason: crl.reason, source: "the CRL you pasted" } : own;
    if (hit) {
      revoked = {
        certificate: cert.subject.text,
        sha256: cert.sha256,
        revokedAt: hit.revokedAt.toISOString(),
        reason: hit.reason,
        source: hit.source,
      };
      find({
        code: "REVOKED",
        rule: "no certificate in the path may be revoked",
        section: "RFC 5280 6.1.3 (a)(3)",
        certificate: cert.subject.text,
        role: roles[i]!,
        message: `${i === 0 ? "The certificate" : `The CA certificate "${cert.subject.text}"`} was revoked on ${day(hit.revokedAt)} for ${hit.reason} (${hit.source}). Clients that check revocation refuse it: issue a new certificate and deploy that.`,
      });
    } else if (crl.status === "unusable")
      find({
        code: "REVOCATION_UNKNOWN",
        rule: "a CRL must be valid to decide revocation",
        section: crl.section,
        certificate: cert.subject.text,
        role: roles[i]!,
        message: `Revocation cannot be decided: ${crl.why}.`,
      });
  }

  // The profile of each certificate in its place.
  path.forEach((n, i) => {
    const role = roles[i]!;
    // A trust anchor that is also the leaf (a pinned self-signed certificate) is checked as a leaf.
    for (const f of certificateFindings(
      n.cert,
      role,
      { purpose: ctx.purpose, mode: ctx.mode, hostname: ctx.hostname, requiredKeyUsage: ctx.opts.requiredKeyUsage },
      strictAnchors,
    ))
      find(f);
  });

  // Path length (RFC 5280 6.1.4 (l)-(m)), from the anchor down; self-issued CAs do not count.
  if (path.length > 1) {
    const anchor = path[path.length - 1]!.cert;
    let max = anchor.basicConstraints?.pathLen ?? Infinity;
    let setBy = anchor;
    for (let i = path.length - 2; i >= 1; i--) {
      const c = path[i]!.cert;
      if (!c.selfIssued) {
        if (max <= 0) {
          find({
            code: "PATH_LENGTH",
            rule: "a CA's pathLenConstraint limits how many CAs may follow it",
            section: "RFC 5280 6.1.4 (l) / 4.2.1.9",
            certificate: c.subject.text,
            role: roles[i]!,
            message: `"${setBy.subject.text}" allows ${setBy.basicConstraints?.pathLen} intermediate CA${setBy.basicConstraints?.pathLen === 1 ? "" : "s"} below it (pathlen:${setBy.basicConstraints?.pathLen}), but "${c.subject.text}" is one too many.`,
          });
          break;
        }
        max--;
      }
      const own = c.basicConstraints?.pathLen;
      if (own !== undefined && own < max) {
        max = own;
        setBy = c;
      }
    }
  }

  // Name constraints (RFC 5280 6.1.3 (b)-(c), 6.1.4 (g)), checked on this path only.
  const nc = nameConstraintFinding(path, roles);
  if (nc) find(nc);

  // Certificate policies, mappings and policy constraints (RFC 5280 6.1.3 (d)-(f), 6.1.4 (a)-(b), (h)-(j), 6.1.5).
  const policy = policyFinding(
    path.map((p) => p.cert),
    roles,
  );
  if (policy) find(policy);

  if (ctx.hostname) {
    const host = hostnameFinding(path[0]!.cert, ctx.hostname);
    if (host) find(host);
  }

  const ok = errors.length === 0 && (ctx.mode === "private" || webpki.length === 0);
  const warnings = ctx.mode === "private" ? webpki : [];
  if (!ok) {
    const failure = errors[0] ?? webpki[0]!;
    const explanation =
      failure.code === "REVOKED" || failure.code === "EXPIRED" || failure.code === "NOT_YET_VALID" || failure.code === "HOSTNAME_MISMATCH"
        ? `${failure.message} Rule (${failure.section}): ${failure.rule}.`
        : `${failure.role === "leaf" ? "The certificate" : `The ${failure.role} "${failure.certificate}"`} breaks a rule: ${failure.rule} (${failure.section}). ${failure.message}${failure.clients ? ` ${capitalize(failure.clients)}.` : ""}${failure.webpki ? " This is a CA/Browser Forum rule: WebPKI-strict mode refuses it, private-CA mode (the default) reports it as a warning." : ""}`;
    return {
      ...ctx.base,
      ok: false,
      code: failure.webpki ? "WEBPKI_RULE" : failure.code,
      failure,
      explanation,
      path: entries,
      warnings,
      revoked,
    };
  }
  const anchorName = path[path.length - 1]!.anchor!.name;
  const added = path.filter((n) => !n.anchor && !n.supplied);
  if (added.length) {
    const names = added.map((n) => `"${n.cert.subject.text}"`).join(" and ");
    const explanation = `The chain verifies up to ${anchorName} only with the intermediate CA ${names}, taken from ${added[0]!.source}: it was missing from what was given. Clients do not fetch it: a server must send it after its own certificate (RFC 8446 4.4.2; configure the fullchain file, not the certificate alone).`;
    // The certificate at fault is the one whose issuer was not supplied.
    const below = path[path.indexOf(added[0]!) - 1]!;
    const failure = refusal(
      "MISSING_INTERMEDIATE",
      "a TLS server sends its certificate followed by every intermediate CA up to the trust anchor",
      "RFC 8446 4.4.2 / RFC 5246 7.4.2",
      below.cert.subject.text,
      roles[path.indexOf(below)]!,
      explanation,
    );
    return {
      ...ctx.base,
      ok: false,
      code: "MISSING_INTERMEDIATE",
      failure,
      explanation,
      path: entries,
      warnings,
      missingIssuer: added[0]!.cert.subject.text,
      addedIntermediates: added.map((n) => ({ subject: n.cert.subject.text, source: n.source })),
    };
  }
  return {
    ...ctx.base,
    ok: true,
    explanation: `Verified up to ${anchorName}${ctx.hostname ? `, valid for "${ctx.hostname}"` : ""} (${ctx.purpose === "server" ? "TLS server" : "TLS client"}, ${ctx.mode === "webpki" ? "WebPKI-strict" : "private-CA"} rules).${warnings.length ? ` ${warnings.length} CA/Browser Forum rule${warnings.length === 1 ? "" : "s"} broken: public clients would refuse it (see warnings).` : ""}`,
    path: entries,
    warnings,
  };
}

/** The names of a certificate that name constraints apply to (RFC 5280 4.2.1.10, 6.1.3 (b)). */
function constrainedNames(cert: ParsedCertificate): GeneralName[] {
  const names: GeneralName[] = [...(cert.subjectAltNames?.names ?? [])];
  if (!cert.subject.empty) names.push({ type: "dn", value: cert.subject.text, dn: cert.subject, wellFormed: true });
  // Without a SAN, e-mail constraints apply to the subject's emailAddress attributes.
  if (!cert.subjectAltNames) for (const e of cert.subject.emails) names.push({ type: "email", value: e, wellFormed: true });
  return names;
}

function nameConstraintFinding(path: Node[], roles: Role[]): Finding | undefined {
  let budget = NAME_CONSTRAINT_BUDGET;
  const fail = (
    i: number,
    message: string,
    rule = "names must lie inside every permitted subtree and outside every excluded one",
  ): Finding => ({
    code: "NAME_CONSTRAINT_VIOLATION",
    rule,
    section: "RFC 5280 4.2.1.10 / 6.1.3 (b)-(c)",
    certificate: path[i]!.cert.subject.text,
    role: roles[i]!,
    message,
  });
  for (let j = path.length - 1; j >= 1; j--) {
    const ca = path[j]!.cert;
    const nc = ca.nameConstraints;
    if (!nc) continue;
    for (const c of [...nc.permitted, ...nc.excluded]) {
      const problem = constraintProblem(c);
      if (problem) return fail(j, `Its Name Constraints extension is malformed: ${problem}.`, "name constraints must be well-formed");
    }
    const byType = (list: GeneralName[]) => {
      const map = new Map<string, GeneralName[]>();
      for (const c of list) {
        if (!map.has(c.type)) map.set(c.type, []);
        map.get(c.type)!.push(c);
      }
      return map;
    };
    const permittedByType = byType(nc.permitted);
    const excludedByType = byType(nc.excluded);
    for (let i = j - 1; i >= 0; i--) {
      const cert = path[i]!.cert;
      if (cert.selfIssued && i > 0) continue; // 6.1.3 (b): self-issued intermediates are exempt
      for (const name of constrainedNames(cert)) {
        const permitted = permittedByType.get(name.type) ?? [];
        const excluded = excludedByType.get(name.type) ?? [];
        budget -= 1 + permitted.length + excluded.length;
        if (budget < 0)
          return fail(
            i,
            `Checking its names against the name constraints of "${ca.subject.text}" needs more than ${NAME_CONSTRAINT_BUDGET} comparisons; like rustls, cadesk refuses such chains rather than risk a denial of service.`,
            "name-constraint checking is bounded",
          );
        const label = `${name.type === "dn" ? "subject" : name.type.toUpperCase()} "${name.value}"`;
        if (["other", "x400", "edi", "rid"].includes(name.type)) {
          if (permitted.length || excluded.length)
            return fail(
              i,
              `Its ${name.value} name falls under a ${name.value} constraint of "${ca.subject.text}" that cannot be processed, so RFC 5280 requires rejecting it.`,
            );
          continue;
        }
        if (!name.wellFormed)
          return fail(i, `Its ${label} is malformed, so it cannot be checked against the name constraints of "${ca.subject.text}".`);
        if (name.type === "email" && !isValidMailbox(name.value) && (permitted.length || excluded.length))
          return fail(i, `Its ${label} is not a valid mailbox, so it cannot satisfy the name constraints of "${ca.subject.text}".`);
        const hit = excluded.find((c) => subtreeRelation(name, c) !== "out");
        if (hit) return fail(i, `Its ${label} is in the subtree "${hit.value}" that "${ca.subject.text}" excludes.`);
        if (permitted.length && !permitted.some((c) => subtreeRelation(name, c) === "in"))
          return fail(i, `Its ${label} is outside what "${ca.subject.text}" permits (${permitted.map((c) => `"${c.value}"`).join(", ")}).`);
      }
    }
  }
  return undefined;
}

function rulesApplied(opts: VerifyOptions, hostname: string | undefined, time: Date): string[] {
  const purpose = opts.purpose ?? "server";
  return [
    "path building over every candidate issuer by name and key identifier, in any order (loops and depth bounded)",
    "signatures with SHA-2 or EdDSA; RSA 2048+, ECDSA P-256/P-384/P-521 (RFC 5280 6.1.3 (a)(1))",
    `validity at ${stamp(time)} (RFC 5280 6.1.3 (a)(2))`,
    "basicConstraints, path length and keyCertSign for every CA (RFC 5280 6.1.4 (k)-(n))",
    "name constraints on DNS names, IP addresses, e-mail, URIs and directory names, to SANs and the subject (RFC 5280 6.1.3 (b)-(c))",
    "critical extensions understood, certificate profile: version, serial, key identifiers, criticality (RFC 5280 4.1-4.2)",
    `extended key usage ${purpose === "server" ? "serverAuth" : "clientAuth"} on the leaf and any CA that restricts it (RFC 5280 4.2.1.12)`,
    ...(hostname ? [`host name "${hostname}" against the SANs only (RFC 9525)`] : []),
    "certificate policies, policy mappings, requireExplicitPolicy, inhibitPolicyMapping and inhibitAnyPolicy where present (RFC 5280 6.1.3 (d)-(f), 6.1.4 (a)-(b), (h)-(j), 6.1.5)",
    ...(opts.crls?.length ? ["revocation against the CRLs given (RFC 5280 6.3)"] : []),
    ...(opts.revocation ? ["revocation from cadesk's own CRL/OCSP state for its CAs"] : []),
    opts.mode === "webpki"
      ? "CA/Browser Forum rules as failures (WebPKI-strict mode)"
      : 'CA/Browser Forum rules as named warnings ("Chrome and Go would refuse this"): private-CA mode',
  ];
}
