/**
 * Error codes that cross the API boundary. The renderer translates each code (with its `field`)
 * into the user's language; the English `message` is for logs and developers.
 */
export const ERROR_CODES = [
  'unknown_method', // no such API method
  'invalid_input', // input failed its schema: `field` names the element
  'unauthenticated', // login needed or token expired
  'forbidden', // the access rules refuse it
  'not_found',
  'conflict', // stale version: the operation is kept in quarantine
  'offline', // the platform cannot be reached; local work is kept
  'locked', // the profile is locked: unlock with the passphrase
  'wrong_passphrase',
  'key_file_damaged',
  'key_file_too_weak', // the key file's scrypt cost is below the floor: refused, never opened
  'database_damaged',
  'database_too_new',
  'rate_limited',
  'platform_error', // the platform answered with an error we do not map more precisely
  'internal', // a bug on our side: never carries details to the UI
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  message: string;
  /** The input element the error is about, as a dotted path (`patient.birthDate`). */
  field?: string;
  /** With `rate_limited`: how long to wait before the next try is even considered. */
  retryAfterSeconds?: number;
  /** With `invalid_input`: which rule `field` broke (`range`, `unit`, `required`, …), for the screen to say in words. */
  rule?: string;
}

/** A typed failure a service may throw; the registry turns it into `{ ok: false, error }`. */
export class DeskError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DeskError';
  }

  toApiError(): ApiError {
    return {
      code: this.code,
      message: this.message,
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: this.retryAfterSeconds }),
    };
  }
}

/** Bad input that broke a named rule: the screen says which field and which rule, in the user's language. */
export class RuleViolation extends DeskError {
  constructor(
    field: string,
    readonly rule: string,
    message: string,
  ) {
    super('invalid_input', message, field);
    this.name = 'RuleViolation';
  }

  override toApiError(): ApiError {
    return { ...super.toApiError(), rule: this.rule };
  }
}
