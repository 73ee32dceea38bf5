/**
 * The one error type the app raises on purpose. Each code maps to an HTTP status and carries a
 * message written for the user: what is wrong and how to fix it. Anything else thrown is a bug.
 */
export const ERROR_STATUS = {
  INVALID_INPUT: 400,
  INVALID_CSR: 400,
  INVALID_PEM: 400,
  KEY_MISMATCH: 400,
  /** A name outside a CA's name constraints (RFC 5280 4.2.1.10) or its issuance policy's allowed names. */
  NAME_NOT_ALLOWED: 400,
  /** A request a CA's issuance policy refuses for its key, profile or validity. */
  POLICY_VIOLATION: 400,
  UNAUTHORIZED: 401,
  /** Signed in, but the role does not allow it. */
  FORBIDDEN: 403,
  /** Allowed, but the password was last entered too long ago for a sensitive action. */
  REAUTH_REQUIRED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
  /** A CA key that cannot be used right now (its HSM is missing, locked or refuses the PIN): other CAs still work. */
  KEY_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The form field or API property at fault, so forms can show the message beside it. */
    readonly field?: string,
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** The largest PEM/DER body we read (a real CSR or certificate is a few KiB). */
export const MAX_UPLOAD_BYTES = 1024 * 1024;

export function assertUploadSize(size: number, field: string): void {
  if (size > MAX_UPLOAD_BYTES) {
    throw new AppError(
      "PAYLOAD_TOO_LARGE",
      `That input is ${(size / 1024 / 1024).toFixed(1)} MiB; the limit is 1 MiB. A certificate, key or CSR is a few KiB: check that you picked the right file.`,
      field,
    );
  }
}
