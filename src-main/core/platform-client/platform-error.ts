import { DeskError, type ErrorCode } from '../../../src-shared/domain/errors';

/**
 * What can go wrong talking to the platform, as data the sync engine can decide on:
 * - unreachable: no answer we can trust (network down, timeout, 502/503/504): retry later, same op id;
 * - unauthenticated: the token could not be refreshed: keep the queue, ask the user to log in;
 * - conflict: 412, a stale If-Match: quarantine with both versions;
 * - rejected: any other 4xx: the platform refused this request for good (its diagnostics say why);
 * - server: another 5xx: a platform bug; retry later like unreachable.
 */
export type PlatformFailure =
  | { kind: 'unreachable'; detail: string }
  | { kind: 'unauthenticated'; detail: string }
  | { kind: 'conflict'; status: 412; detail: string }
  | { kind: 'throttled'; detail: string; retryAfterSeconds?: number }
  | { kind: 'rejected'; status: number; detail: string; expression?: string }
  | { kind: 'server'; status: number; detail: string };

export class PlatformError extends Error {
  constructor(readonly failure: PlatformFailure) {
    super(`${failure.kind}: ${failure.detail}`);
    this.name = 'PlatformError';
  }

  /** Worth trying again later with the same operation id. */
  get isTransient(): boolean {
    return this.failure.kind === 'unreachable' || this.failure.kind === 'server' || this.failure.kind === 'throttled';
  }
}

interface OperationOutcomeLike {
  resourceType?: string;
  issue?: { diagnostics?: string; expression?: string[] }[];
}

/** Turns an HTTP status and body into a typed failure; the OperationOutcome's words are kept. */
export function failureFromResponse(status: number, body: unknown, retryAfter?: string): PlatformFailure {
  const outcome = body as OperationOutcomeLike | undefined;
  const issue = outcome?.resourceType === 'OperationOutcome' ? outcome.issue?.[0] : undefined;
  const detail = issue?.diagnostics ?? `HTTP ${status}`;
  if (status === 401) return { kind: 'unauthenticated', detail };
  if (status === 412) return { kind: 'conflict', status: 412, detail };
  if (status === 502 || status === 503 || status === 504) return { kind: 'unreachable', detail };
  const seconds = Number(retryAfter);
  // Rate limiting is a "not now", never a refusal: the operation stays queued (not quarantined).
  if (status === 429)
    return retryAfter !== undefined && Number.isFinite(seconds)
      ? { kind: 'throttled', detail, retryAfterSeconds: seconds }
      : { kind: 'throttled', detail };
  if (status >= 500) return { kind: 'server', status, detail };
  const failure: PlatformFailure = { kind: 'rejected', status, detail };
  if (issue?.expression?.[0]) failure.expression = issue.expression[0];
  return failure;
}

/** How a platform failure reaches the UI: a DeskError code it can translate. */
export function deskErrorCodeOf(failure: PlatformFailure): ErrorCode {
  switch (failure.kind) {
    case 'unreachable':
    case 'server':
      return 'offline';
    case 'unauthenticated':
      return 'unauthenticated';
    case 'conflict':
      return 'conflict';
    case 'throttled':
      return 'rate_limited';
    case 'rejected':
      return failure.status === 403 ? 'forbidden' : failure.status === 404 ? 'not_found' : 'platform_error';
  }
}

export function toDeskError(error: PlatformError, field?: string): DeskError {
  const failure = error.failure;
  return new DeskError(
    deskErrorCodeOf(failure),
    failure.detail,
    field,
    failure.kind === 'throttled' ? failure.retryAfterSeconds : undefined,
  );
}
