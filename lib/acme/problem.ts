/**
 * ACME errors, in one place: RFC 7807 problem documents with the RFC 8555 6.7 types (plus
 * RFC 9773's alreadyReplaced and the profiles draft's invalidProfile). Like AppError, each carries
 * a `detail` written for a person: what was wrong and what to do about it.
 */
export const ACME_ERROR_STATUS = {
  accountDoesNotExist: 400,
  alreadyReplaced: 409,
  alreadyRevoked: 400,
  badCSR: 400,
  badNonce: 400,
  badPublicKey: 400,
  badRevocationReason: 400,
  badSignatureAlgorithm: 400,
  caa: 403,
  compound: 403,
  connection: 400,
  dns: 400,
  externalAccountRequired: 403,
  incorrectResponse: 403,
  invalidContact: 400,
  invalidProfile: 400,
  malformed: 400,
  orderNotReady: 403,
  rateLimited: 429,
  rejectedIdentifier: 400,
  serverInternal: 500,
  tls: 400,
  unauthorized: 403,
  unsupportedContact: 400,
  unsupportedIdentifier: 400,
  userActionRequired: 403,
} as const;

export type AcmeErrorType = keyof typeof ACME_ERROR_STATUS;

export interface AcmeIdentifier {
  type: "dns" | "ip";
  value: string;
}

export interface ProblemDocument {
  type: string;
  detail: string;
  status?: number;
  identifier?: AcmeIdentifier;
  subproblems?: ProblemDocument[];
  /** RFC 8555 7.1.1: for badSignatureAlgorithm, the algorithms the server accepts. */
  algorithms?: string[];
}

export class AcmeProblem extends Error {
  constructor(
    readonly type: AcmeErrorType,
    readonly detail: string,
    readonly options: {
      status?: number;
      identifier?: AcmeIdentifier;
      subproblems?: AcmeProblem[];
      algorithms?: string[];
      /** Extra response headers: Retry-After for rateLimited, Location for a conflicting key. */
      headers?: Record<string, string>;
    } = {},
  ) {
    super(detail);
    this.name = "AcmeProblem";
  }

  get status(): number {
    return this.options.status ?? ACME_ERROR_STATUS[this.type];
  }

  toJSON(): ProblemDocument {
    return {
      type: `urn:ietf:params:acme:error:${this.type}`,
      detail: this.detail,
      status: this.status,
      ...(this.options.identifier ? { identifier: this.options.identifier } : {}),
      ...(this.options.subproblems?.length ? { subproblems: this.options.subproblems.map((p) => p.toJSON()) } : {}),
      ...(this.options.algorithms ? { algorithms: this.options.algorithms } : {}),
    };
  }
}

/** Shorthand constructors for the problems raised in many places. */
export const problem = {
  malformed: (detail: string, status?: number) => new AcmeProblem("malformed", detail, { status }),
  unauthorized: (detail: string) => new AcmeProblem("unauthorized", detail),
  notFound: (what: string) => new AcmeProblem("malformed", `${what} does not exist on this ACME endpoint.`, { status: 404 }),
};
