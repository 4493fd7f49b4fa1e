import { describe, expect, it } from 'vitest';
import { deskErrorCodeOf, failureFromResponse, PlatformError } from '../../../src-main/core/platform-client';

const outcome = (diagnostics: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'invalid', diagnostics, expression: ['Task.status'] }],
});

describe('platform failures as the sync engine sees them', () => {
  it('a stale If-Match is a conflict to quarantine', () => {
    expect(failureFromResponse(412, outcome('If-Match: W/"1" is stale'))).toEqual({
      kind: 'conflict',
      status: 412,
      detail: 'If-Match: W/"1" is stale',
    });
  });

  it('a refused request keeps the platform diagnostics and the element it names', () => {
    const failure = failureFromResponse(400, outcome('Task.status: "done" is not in the value set'));
    expect(failure).toEqual({
      kind: 'rejected',
      status: 400,
      detail: 'Task.status: "done" is not in the value set',
      expression: 'Task.status',
    });
    expect(new PlatformError(failure).isTransient).toBe(false);
  });

  it('rate limiting, gateway errors and server errors are retried later, never quarantined', () => {
    for (const [status, kind] of [
      [429, 'throttled'],
      [502, 'unreachable'],
      [503, 'unreachable'],
      [504, 'unreachable'],
      [500, 'server'],
    ] as const) {
      const failure = failureFromResponse(status, undefined, '30');
      expect(failure.kind, String(status)).toBe(kind);
      expect(new PlatformError(failure).isTransient, String(status)).toBe(true);
    }
    expect(failureFromResponse(429, outcome('too many tries'), '300')).toEqual({
      kind: 'throttled',
      detail: 'too many tries',
      retryAfterSeconds: 300,
    });
  });

  it('each failure maps to an error code the UI translates', () => {
    expect(deskErrorCodeOf(failureFromResponse(401, undefined))).toBe('unauthenticated');
    expect(deskErrorCodeOf(failureFromResponse(403, undefined))).toBe('forbidden');
    expect(deskErrorCodeOf(failureFromResponse(404, undefined))).toBe('not_found');
    expect(deskErrorCodeOf(failureFromResponse(429, undefined))).toBe('rate_limited');
    expect(deskErrorCodeOf(failureFromResponse(503, undefined))).toBe('offline');
    expect(deskErrorCodeOf(failureFromResponse(422, undefined))).toBe('platform_error');
  });
});
