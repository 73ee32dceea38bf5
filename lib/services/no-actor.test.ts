/**
 * Fail closed: every service entry point, called outside a request with nobody acting, refuses
 * (FORBIDDEN, saying how to fix the code) before it reads or writes anything. The list of
 * exports is read from the modules themselves, so a new service is checked the day it is added.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";

/**
 * Exports that are not entry points, each with the reason. Pure functions touch neither the store
 * nor a key; internal steps run only after the calling service's own check.
 */
const NOT_ENTRY_POINTS: Record<string, string> = {
  "acme-create-eab-key.acmeEabKeyContext": "pure",
  "acme-create-endpoint.acmeDirectoryUrl": "pure: a URL from the configuration",
  "acme-endpoint-lookup.findAcmeEndpoint": "internal read, used after the caller's check",
  "acme-endpoint-lookup.endpointColumns": "pure: an endpoint's settings as row columns",
  "api-tokens.findApiToken": "how a bearer token becomes an actor (lib/api/auth.ts): there is none yet",
  "audit.checkSensitive": "runs the checks it is handed; those are the entry point's own",
  "create-authority.assertNameFree": "internal step of createAuthority/importAuthority",
  "dashboard-tls.dashboardNames": "pure: host names from the environment",
  "expiry-notices.reachedThreshold": "pure",
  "export-certificate.fileBaseName": "pure",
  "export-inventory.csvCell": "pure",
  "issue-form.issueInputFromForm": "pure: form fields to the issuance input",
  "issuer.loadIssuer": "internal step of issuance, CRLs and OCSP, after their check",
  "issuer.issuerUrls": "pure",
  "issuer.loadIssuerForIssuance": "internal step of the issuance pipeline (lib/issuance/issue.ts), after its check",
  "issuer.issuerVersion": "pure: a CA row's version string",
  "issuer.forgetIssuers": "drops cached CA rows; reads and grants nothing",
  "notification-channels.findChannel": "internal read, used after the caller's check",
  "notification-channels.openChannel": "pure: decrypts a channel row handed in",
  "notification-channels.trustedPems": "internal read",
  "ocsp-responder.ocspSigner": "internal step of answerOcsp, after its check",
  "ocsp-responder.openResponder": "internal: the responder this process has open, read by answerOcsp after its check",
  "read-upload.pastedOrUploaded": "pure: the pasted text or the uploaded file's",
  "revocation-state.revocationState": "internal read for Inspect and the doctor, after their check",
  "scheduler.stopScheduler": "graceful shutdown (lib/ops/lifecycle.ts): starts no new run, grants nothing",
  "job-run.claimJobRun": "the scheduler's own bookkeeping (which instance runs this period), before it acts as the system; grants nothing",
  "job-run.renewJobRun": "the scheduler's own bookkeeping (its run is still going), before it acts as the system; grants nothing",
};

const dir = import.meta.dirname;
const modules = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
  .map((f) => f.replace(/\.ts$/, ""));

async function entryPoints(): Promise<[string, (...args: unknown[]) => unknown][]> {
  const found: [string, (...args: unknown[]) => unknown][] = [];
  for (const name of modules) {
    const exports = (await import(path.join(dir, `${name}.ts`))) as Record<string, unknown>;
    for (const [key, value] of Object.entries(exports)) {
      if (typeof value !== "function" || `${name}.${key}` in NOT_ENTRY_POINTS) continue;
      found.push([`${name}.${key}`, value as (...args: unknown[]) => unknown]);
    }
  }
  return found;
}

describe("outside a request nobody acts", () => {
  it("every service entry point refuses, naming the fix", async () => {
    const all = await entryPoints();
    expect(all.length).toBeGreaterThan(40);
    const outcomes: Record<string, string> = {};
    for (const [name, fn] of all) {
      let error: unknown;
      try {
        // Arguments that would fail validation: the refusal must come before any of it.
        await fn("no-such-id", {}, {});
        outcomes[name] = "ran";
      } catch (e) {
        error = e;
        outcomes[name] =
          error instanceof AppError && error.code === "FORBIDDEN" && /no one is acting/.test(error.message)
            ? "refused"
            : `failed otherwise: ${(error as Error).message}`;
      }
    }
    expect(Object.entries(outcomes).filter(([, outcome]) => outcome !== "refused")).toEqual([]);
  });

  it("lists no exemption that does not exist", async () => {
    for (const key of Object.keys(NOT_ENTRY_POINTS)) {
      const [module, name] = key.split(".") as [string, string];
      const exports = (await import(path.join(dir, `${module}.ts`))) as Record<string, unknown>;
      expect(typeof exports[name], key).toBe("function");
    }
  });
});

describe("the anonymous public", () => {
  it("may fetch what is public and nothing else", async () => {
    const { runAs, publicActor } = await import("../auth/actor");
    const { issueCertificate } = await import("./issue-certificate");
    const { exportInventory } = await import("./export-inventory");
    const { currentCrl } = await import("./crl");
    const anonymous = publicActor("203.0.113.9");
    for (const call of [() => issueCertificate({}), () => exportInventory({})] as (() => Promise<unknown>)[]) {
      const error = await runAs(anonymous, call).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("FORBIDDEN");
      expect((error as AppError).message).toMatch(/Your role \(none\) may not/);
    }
    // Public, so past the actor check: it then fails only because the CA does not exist.
    const error = await runAs(anonymous, () => currentCrl("no-such-ca")).catch((e: unknown) => e);
    expect((error as AppError).code).toBe("NOT_FOUND");
  });
});
