/**
 * The web front end (Boulder's "WFE"): routes ACME requests, checks each JWS (content type,
 * url header, nonce, key or account, signature) and renders resources and problem documents.
 * Policy lives in the RA. One entry point, `handleAcmeRequest(Request) => Response`, so a Next
 * route file or a plain Node HTTP server can mount it unchanged.
 */
import type { KeyObject } from "node:crypto";
import type { AcmeAccount, AcmeAuthorization, AcmeChallenge, AcmeEndpoint } from "@/generated/prisma/client";
import { clientIp } from "../api/auth";
import { runAs, type Actor } from "../auth/actor";
import { readConfig } from "../config";
import { getDb } from "../db";
import { authorityChain } from "../data/find";
import { acmeAccountActor, acmeEndpointActor } from "./actor";
import { renewalWindow } from "../pki/renewal-window";
import { reasonFromCode, revokeForAcme } from "./ca";
import { importJwk, parseJws, payloadJson, publicJwk, verifyJws, type Jwk, type ParsedJws } from "./jws";
import { AcmeProblem, problem, type AcmeIdentifier } from "./problem";
import { ACME_PROFILES, isAcmeProfile } from "./profiles";
import * as ra from "./ra";
import * as sa from "./sa";
import { acmeUrls, type AcmeUrls } from "./urls";

/** A JWS body is a few KiB; a CSR with an 8192-bit RSA key stays well under this. */
const MAX_BODY_BYTES = 256 * 1024;

interface Context {
  endpoint: AcmeEndpoint;
  urls: AcmeUrls;
  /** The URL the client must have signed: CADESK_PUBLIC_URL plus the request path (RFC 8555 6.4). */
  requestUrl: string;
  ip: string | null;
}

interface Authenticated {
  jws: ParsedJws;
  /** Set for kid-signed requests. */
  account?: AcmeAccount;
  /** Set for jwk-signed requests (newAccount, revokeCert by certificate key). */
  jwk?: Jwk;
  key: KeyObject;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body, null, 2), { status, headers: { "Content-Type": "application/json", ...headers } });
}

async function finish(ctx: Context | null, response: Response, withNonce: boolean): Promise<Response> {
  const headers = new Headers(response.headers);
  if (ctx) headers.append("Link", `<${ctx.urls.directory}>;rel="index"`);
  if (withNonce) headers.set("Replay-Nonce", await sa.createNonce());
  headers.set("Cache-Control", "no-store");
  return new Response(response.body, { status: response.status, headers });
}

function problemResponse(error: AcmeProblem): Response {
  return new Response(JSON.stringify(error.toJSON(), null, 2), {
    status: error.status,
    headers: { "Content-Type": "application/problem+json", ...error.options.headers },
  });
}

/** Handles every request under /acme/{name}/. */
export async function handleAcmeRequest(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const match = /^\/acme\/([^/]+)(?:\/(.*))?$/.exec(url.pathname);
  let ctx: Context | null = null;
  const isPost = request.method === "POST";
  try {
    if (!match) throw problem.notFound("This path");
    const endpoint = await sa.findEndpointByName(decodeURIComponent(match[1]!));
    if (!endpoint) {
      throw new AcmeProblem(
        "malformed",
        `There is no ACME endpoint named "${match[1]!.slice(0, 63)}": check the directory URL (an admin lists endpoints on cadesk's ACME page).`,
        {
          status: 404,
        },
      );
    }
    const urls = acmeUrls(endpoint.name);
    ctx = { endpoint, urls, requestUrl: `${readConfig().publicUrl}${url.pathname}`, ip: clientIp(request.headers) };
    const context = ctx;
    void ra.resumeDueValidations();
    const actor: Actor = acmeEndpointActor(endpoint, ctx.ip);
    const response = await runAs(actor, () => route(context, request, (match[2] ?? "").split("/").filter(Boolean)));
    return await finish(ctx, response, isPost || /^new-nonce$/.test(match[2] ?? ""));
  } catch (error) {
    const acmeError = error instanceof AcmeProblem ? error : internal(error);
    return finish(ctx, problemResponse(acmeError), true);
  }
}

function internal(error: unknown): AcmeProblem {
  console.error("[cadesk] ACME request failed:", error);
  return new AcmeProblem("serverInternal", "cadesk failed to handle this request; the server log has the details.");
}

function methodNotAllowed(allow: string): AcmeProblem {
  return new AcmeProblem("malformed", `This resource accepts ${allow} only (RFC 8555 6.3: use POST-as-GET to read resources).`, {
    status: 405,
    headers: { Allow: allow },
  });
}

async function route(ctx: Context, request: Request, path: string[]): Promise<Response> {
  const [head, id, sub] = path;
  const method = request.method;
  if (head === "directory" && path.length === 1) {
    if (method !== "GET" && method !== "HEAD") throw methodNotAllowed("GET");
    return json(200, directory(ctx));
  }
  if (head === "new-nonce" && path.length === 1) {
    if (method === "HEAD") return new Response(null, { status: 200 });
    if (method === "GET") return new Response(null, { status: 204 });
    throw methodNotAllowed("HEAD, GET");
  }
  if (head === "renewal-info" && id && path.length === 2) {
    if (method !== "GET") throw methodNotAllowed("GET");
    return renewalInfo(ctx, id);
  }
  if (method !== "POST") throw methodNotAllowed("POST");
  switch (head) {
    case "new-account":
      if (path.length === 1) return newAccount(ctx, await authenticate(ctx, request, "jwk"));
      break;
    case "account":
      if (id && path.length === 1 + 1) return account(ctx, await authenticate(ctx, request, "kid"), id);
      if (id && sub === "orders" && path.length === 3) return accountOrders(ctx, await authenticate(ctx, request, "kid"), id);
      break;
    case "key-change":
      if (path.length === 1) return keyChange(ctx, await authenticate(ctx, request, "kid"));
      break;
    case "new-order":
      if (path.length === 1) return newOrder(ctx, await authenticate(ctx, request, "kid"));
      break;
    case "order":
      if (id && path.length === 2) return order(ctx, await authenticate(ctx, request, "kid"), id);
      if (id && sub === "finalize" && path.length === 3) return finalize(ctx, await authenticate(ctx, request, "kid"), id);
      break;
    case "authz":
      if (id && path.length === 2) return authorization(ctx, await authenticate(ctx, request, "kid"), id);
      break;
    case "chall":
      if (id && path.length === 2) return challenge(ctx, await authenticate(ctx, request, "kid"), id);
      break;
    case "cert":
      if (id && (path.length === 2 || (path.length === 3 && /^[1-9]$/.test(sub!)))) {
        return certificate(ctx, await authenticate(ctx, request, "kid"), id, Number(sub ?? 0));
      }
      break;
    case "revoke-cert":
      if (path.length === 1) return revokeCert(ctx, await authenticate(ctx, request, "either"));
      break;
  }
  throw problem.notFound(`The resource /${path.join("/").slice(0, 200)}`);
}

// --- JWS checks (RFC 8555 6.2-6.5) -------------------------------------------------------------

async function authenticate(ctx: Context, request: Request, mode: "jwk" | "kid" | "either"): Promise<Authenticated> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/jose+json") {
    throw new AcmeProblem(
      "malformed",
      `ACME requests must be sent with Content-Type application/jose+json, not "${type.slice(0, 60) || "none"}" (RFC 8555 6.2).`,
      {
        status: 415,
      },
    );
  }
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_BODY_BYTES) throw problem.malformed(`The request body is ${length} bytes; the limit is ${MAX_BODY_BYTES}.`, 413);
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw problem.malformed(`The request body is over ${MAX_BODY_BYTES} bytes.`, 413);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw problem.malformed("The request body is not JSON: send a JWS in flattened JSON serialisation.");
  }
  const jws = parseJws(body);
  const h = jws.header;
  // url first: a request for another resource must not get as far as spending its nonce.
  if (typeof h.url !== "string") throw problem.malformed('The JWS protected header needs the "url" of the request (RFC 8555 6.4).');
  if (h.url !== ctx.requestUrl) {
    throw problem.unauthorized(
      `The JWS "url" header (${h.url.slice(0, 200)}) does not match the URL this request was sent to (${ctx.requestUrl}) (RFC 8555 6.4).`,
    );
  }
  if (typeof h.nonce !== "string" || h.nonce.length === 0) {
    throw new AcmeProblem("badNonce", 'The JWS has no "nonce": get one from newNonce or the Replay-Nonce header of the previous response.');
  }
  if (h.jwk !== undefined && h.kid !== undefined)
    throw problem.malformed('The JWS header must carry either "jwk" or "kid", not both (RFC 8555 6.2).');
  let key: KeyObject;
  let account: AcmeAccount | undefined;
  let jwk: Jwk | undefined;
  if (h.jwk !== undefined) {
    if (mode === "kid")
      throw problem.malformed('This request must be signed by an account ("kid" header with the account URL), not a "jwk" (RFC 8555 6.2).');
    key = importJwk(h.jwk);
    jwk = publicJwk(key);
  } else if (typeof h.kid === "string") {
    if (mode === "jwk") throw problem.malformed('newAccount must carry the account\'s public key as "jwk", not a "kid" (RFC 8555 7.3).');
    const prefix = ctx.urls.account("");
    if (!h.kid.startsWith(prefix)) {
      throw new AcmeProblem(
        "accountDoesNotExist",
        `The "kid" ${h.kid.slice(0, 200)} is not an account URL of this endpoint (${prefix}...).`,
      );
    }
    account = (await sa.findAccount(ctx.endpoint.id, h.kid.slice(prefix.length))) ?? undefined;
    if (!account)
      throw new AcmeProblem("accountDoesNotExist", `No account ${h.kid.slice(0, 200)} exists on this endpoint: register with newAccount.`);
    if (account.status !== "valid")
      throw problem.unauthorized(`The account ${h.kid} is ${account.status}: it can no longer make requests. Register a new account.`);
    key = importJwk(JSON.parse(account.jwk));
  } else {
    throw problem.malformed('The JWS header needs "jwk" (newAccount, revokeCert with the certificate key) or "kid" (the account URL).');
  }
  if (!verifyJws(jws, key)) throw problem.malformed("The JWS signature does not verify with the key it names.");
  if (!(await sa.consumeNonce(h.nonce))) {
    throw new AcmeProblem(
      "badNonce",
      "The nonce was already used, has expired, or was never issued: retry with the fresh Replay-Nonce of this response.",
    );
  }
  return { jws, account, jwk, key };
}

function requireAccount(auth: Authenticated): AcmeAccount {
  return auth.account!;
}

/** Runs the rest of a request as the signing account: audit records and issuance name it. */
function asAccount<T>(ctx: Context, account: AcmeAccount, fn: () => Promise<T>): Promise<T> {
  return runAs(acmeAccountActor(ctx.endpoint, account, ctx.ip), fn);
}

function ownedBy(account: AcmeAccount, ownerId: string, what: string): void {
  if (account.id !== ownerId) throw problem.unauthorized(`${what} belongs to another account.`);
}

// --- resources ---------------------------------------------------------------------------------

function directory(ctx: Context) {
  const { endpoint, urls } = ctx;
  const offered = (JSON.parse(endpoint.profiles) as string[]).filter(isAcmeProfile);
  return {
    newNonce: urls.newNonce,
    newAccount: urls.newAccount,
    newOrder: urls.newOrder,
    revokeCert: urls.revokeCert,
    keyChange: urls.keyChange,
    renewalInfo: urls.renewalInfo,
    meta: {
      ...(endpoint.termsOfServiceUrl ? { termsOfService: endpoint.termsOfServiceUrl } : {}),
      website: readConfig().publicUrl,
      externalAccountRequired: endpoint.requireEab,
      profiles: Object.fromEntries(offered.map((p) => [p, ACME_PROFILES[p].description])),
    },
  };
}

function accountJson(ctx: Context, account: AcmeAccount) {
  return {
    status: account.status,
    contact: JSON.parse(account.contacts) as string[],
    termsOfServiceAgreed: account.termsAgreedAt !== null,
    orders: ctx.urls.accountOrders(account.id),
    createdAt: account.createdAt.toISOString(),
  };
}

async function newAccount(ctx: Context, auth: Authenticated): Promise<Response> {
  const payload = payloadJson(auth.jws);
  const { account, created } = await ra.newAccount({ endpoint: ctx.endpoint, jwk: auth.jwk!, payload, url: ctx.urls.newAccount });
  return json(created ? 201 : 200, accountJson(ctx, account), { Location: ctx.urls.account(account.id) });
}

async function account(ctx: Context, auth: Authenticated, id: string): Promise<Response> {
  const signer = requireAccount(auth);
  ownedBy(signer, id, "This account URL");
  const payload = auth.jws.payload.length === 0 ? {} : payloadJson(auth.jws);
  const updated = await asAccount(ctx, signer, () => ra.updateAccount(ctx.endpoint, signer, payload));
  return json(200, accountJson(ctx, updated), { Location: ctx.urls.account(id) });
}

async function accountOrders(ctx: Context, auth: Authenticated, id: string): Promise<Response> {
  const signer = requireAccount(auth);
  ownedBy(signer, id, "This orders list");
  const orders = await sa.listOrderIds(signer.id);
  return json(200, { orders: orders.map((o) => ctx.urls.order(o.id)) });
}

async function keyChange(ctx: Context, auth: Authenticated): Promise<Response> {
  const signer = requireAccount(auth);
  const body = payloadJson(auth.jws);
  const updated = await asAccount(ctx, signer, () =>
    ra.keyChange(ctx.endpoint, signer, ctx.urls.keyChange, ctx.urls.account(signer.id), body),
  );
  return json(200, accountJson(ctx, updated), { Location: ctx.urls.account(signer.id) });
}

function orderJson(ctx: Context, order: sa.OrderWithAuthz) {
  const identifiers = JSON.parse(order.identifiers) as AcmeIdentifier[];
  return {
    status: order.status,
    expires: order.expires.toISOString(),
    identifiers,
    profile: order.profile,
    ...(order.notAfter ? { notAfter: order.notAfter.toISOString() } : {}),
    authorizations: order.authorizations.map((a) => ctx.urls.authz(a.id)),
    finalize: ctx.urls.finalize(order.id),
    ...(order.certificateId ? { certificate: ctx.urls.certificate(order.id) } : {}),
    ...(order.replaces ? { replaces: order.replaces } : {}),
    ...(order.error ? { error: JSON.parse(order.error) } : {}),
  };
}

async function newOrder(ctx: Context, auth: Authenticated): Promise<Response> {
  const signer = requireAccount(auth);
  const payload = payloadJson(auth.jws);
  const created = await asAccount(ctx, signer, () => ra.newOrder(ctx.endpoint, signer, payload));
  return json(201, orderJson(ctx, created), { Location: ctx.urls.order(created.id) });
}

async function loadOrder(ctx: Context, account: AcmeAccount, id: string): Promise<sa.OrderWithAuthz> {
  const found = await sa.findOrder(ctx.endpoint.id, id);
  if (!found) throw problem.notFound(`The order ${id.slice(0, 64)}`);
  ownedBy(account, found.accountId, "This order");
  return ra.refreshOrder(found);
}

async function order(ctx: Context, auth: Authenticated, id: string): Promise<Response> {
  const current = await loadOrder(ctx, requireAccount(auth), id);
  const headers: Record<string, string> = { Location: ctx.urls.order(id) };
  if (current.status === "processing" || current.status === "pending") headers["Retry-After"] = "1";
  return json(200, orderJson(ctx, current), headers);
}

async function finalize(ctx: Context, auth: Authenticated, id: string): Promise<Response> {
  const signer = requireAccount(auth);
  const current = await loadOrder(ctx, signer, id);
  const payload = payloadJson(auth.jws);
  await asAccount(ctx, signer, () => ra.finalizeOrder(ctx.endpoint, signer, current, payload));
  const done = (await sa.findOrder(ctx.endpoint.id, id))!;
  return json(200, orderJson(ctx, done), { Location: ctx.urls.order(id) });
}

function challengeJson(ctx: Context, challenge: AcmeChallenge) {
  return {
    type: challenge.type,
    url: ctx.urls.challenge(challenge.id),
    status: challenge.status,
    token: challenge.token,
    ...(challenge.validated ? { validated: challenge.validated.toISOString() } : {}),
    ...(challenge.error ? { error: JSON.parse(challenge.error) } : {}),
  };
}

function authorizationJson(ctx: Context, authz: AcmeAuthorization & { challenges: AcmeChallenge[] }) {
  const status = authz.status === "pending" && authz.expires <= new Date() ? "expired" : authz.status;
  // Once valid, only the challenge that proved it is listed (RFC 8555 7.1.4 lets either be shown; this is clearer).
  const challenges = status === "valid" ? authz.challenges.filter((c) => c.status === "valid") : authz.challenges;
  return {
    identifier: { type: authz.identifierType, value: authz.identifierValue },
    status,
    expires: authz.expires.toISOString(),
    challenges: challenges.map((c) => challengeJson(ctx, c)),
    ...(authz.wildcard ? { wildcard: true } : {}),
  };
}

async function authorization(ctx: Context, auth: Authenticated, id: string): Promise<Response> {
  const signer = requireAccount(auth);
  const authz = await sa.findAuthorization(ctx.endpoint.id, id);
  if (!authz) throw problem.notFound(`The authorization ${id.slice(0, 64)}`);
  ownedBy(signer, authz.order.accountId, "This authorization");
  if (auth.jws.payload.length > 0) {
    const payload = payloadJson(auth.jws);
    if (payload.status !== undefined) {
      if (payload.status !== "deactivated") throw problem.malformed('An authorization\'s status can only be set to "deactivated".');
      await asAccount(ctx, signer, () => ra.deactivateAuthorization(signer, authz));
    }
  }
  const current = (await sa.findAuthorization(ctx.endpoint.id, id))!;
  const headers: Record<string, string> = {};
  if (current.status === "pending" && current.challenges.some((c) => c.status === "processing")) headers["Retry-After"] = "1";
  return json(200, authorizationJson(ctx, current), headers);
}

async function challenge(ctx: Context, auth: Authenticated, id: string): Promise<Response> {
  const signer = requireAccount(auth);
  const found = await sa.findChallenge(id);
  if (!found || found.authorization.order.endpointId !== ctx.endpoint.id) throw problem.notFound(`The challenge ${id.slice(0, 64)}`);
  ownedBy(signer, found.authorization.order.accountId, "This challenge");
  let current: AcmeChallenge = found;
  // POST with {} answers the challenge; POST-as-GET (empty payload) only reads it (RFC 8555 7.5.1).
  if (auth.jws.payload.length > 0) {
    payloadJson(auth.jws);
    current = await asAccount(ctx, signer, () => ra.respondToChallenge(ctx.endpoint, signer, found));
  }
  const headers: Record<string, string> = { Link: `<${ctx.urls.authz(found.authorizationId)}>;rel="up"` };
  if (current.status === "processing") headers["Retry-After"] = "1";
  return json(200, challengeJson(ctx, current), headers);
}

/** The chains a certificate is offered with: the intermediates (what servers send), and with the root as an alternate. */
async function chains(certificatePem: string, authorityId: string): Promise<string[]> {
  const authorities = await authorityChain(authorityId);
  const intermediates = authorities.filter((a) => a.parentId !== null).map((a) => a.certificatePem.trim() + "\n");
  const root = authorities.find((a) => a.parentId === null);
  const leaf = certificatePem.trim() + "\n";
  const withRoot = [leaf, ...intermediates, ...(root ? [root.certificatePem.trim() + "\n"] : [])].join("");
  // A leaf straight under a root would otherwise come alone; clients expect at least its issuer.
  if (intermediates.length === 0) return [withRoot];
  return [[leaf, ...intermediates].join(""), withRoot];
}

async function certificate(ctx: Context, auth: Authenticated, orderId: string, alternate: number): Promise<Response> {
  const signer = requireAccount(auth);
  const found = await getDb().acmeOrder.findFirst({ where: { id: orderId, endpointId: ctx.endpoint.id }, include: { certificate: true } });
  if (!found || !found.certificate) throw problem.notFound(`The certificate of order ${orderId.slice(0, 64)}`);
  ownedBy(signer, found.accountId, "This certificate");
  const all = await chains(found.certificate.certificatePem, found.certificate.authorityId);
  const body = all[alternate];
  if (!body) throw problem.notFound(`Alternate chain ${alternate}`);
  const headers = new Headers({ "Content-Type": "application/pem-certificate-chain" });
  all.forEach((_, i) => {
    if (i !== alternate) headers.append("Link", `<${ctx.urls.certificate(orderId, i)}>;rel="alternate"`);
  });
  return new Response(body, { status: 200, headers });
}

async function revokeCert(ctx: Context, auth: Authenticated): Promise<Response> {
  const payload = payloadJson(auth.jws);
  if (typeof payload.certificate !== "string" || !/^[A-Za-z0-9_-]+$/.test(payload.certificate)) {
    throw problem.malformed('revokeCert needs "certificate": the DER certificate, base64url-encoded (RFC 8555 7.6).');
  }
  const reason = reasonFromCode(payload.reason);
  const der = Buffer.from(payload.certificate, "base64url");
  const signer = auth.account ? { account: auth.account } : { jwkSpki: auth.key.export({ format: "der", type: "spki" }) };
  const run = async () => {
    const target = await ra.authorizeRevocation(ctx.endpoint, der, signer);
    await revokeForAcme(target, reason, auth.account ? "account key" : "certificate key");
  };
  await (auth.account ? asAccount(ctx, auth.account, run) : run());
  return new Response(null, { status: 200 });
}

/** RFC 9773 4.2: when to renew; Retry-After says when to ask again. */
async function renewalInfo(ctx: Context, certId: string): Promise<Response> {
  const found = await ra.findCertificateByAriId(certId);
  if (!found || found.authorityId !== ctx.endpoint.authorityId)
    throw problem.notFound(`A certificate with ARI identifier ${certId.slice(0, 100)}`);
  const window = renewalWindow({ ...found, authorityStatus: found.authority.status });
  const revoked = window.renewNow !== null;
  return json(
    200,
    {
      suggestedWindow: { start: window.start.toISOString(), end: window.end.toISOString() },
      ...(revoked ? { explanationURL: `${readConfig().publicUrl}/certificates/${found.id}` } : {}),
    },
    { "Retry-After": revoked ? "3600" : "21600" },
  );
}
