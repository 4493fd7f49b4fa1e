import { describe, expect, it } from 'vitest';
import { checkCursorIsCurrent, decodeCursor, encodeCursor } from '../../../src-main/platform/fhir/changes-cursor';
import { FhirError } from '../../../src-main/platform/fhir/fhir-error';

const epoch = '0123456789abcdef';

function statusOf(fn: () => void): number {
  try {
    fn();
  } catch (error) {
    if (error instanceof FhirError) return error.status;
    throw error;
  }
  return 200;
}

describe('$changes cursor', () => {
  it('encodes the epoch and the commit sequence, and decodes them back', () => {
    const text = encodeCursor({ epoch, sequence: 123456 });
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual({ epoch, sequence: 123456 });
  });

  it('is never a timestamp: it carries only the epoch and a sequence', () => {
    const decoded = Buffer.from(encodeCursor({ epoch, sequence: 7 }), 'base64url').toString();
    expect(decoded).toBe(`c1.${epoch}.7`);
  });

  it('a malformed cursor is a 400', () => {
    for (const bad of [
      '',
      '!!!',
      Buffer.from('c1.xyz.1').toString('base64url'),
      Buffer.from(`c2.${epoch}.1`).toString('base64url'),
      Buffer.from(`c1.${epoch}.-1`).toString('base64url'),
      Buffer.from(`c1.${epoch}.01`).toString('base64url'),
    ]) {
      expect(
        statusOf(() => decodeCursor(bad)),
        bad,
      ).toBe(400);
    }
  });

  it('a cursor of another epoch, or beyond the current sequence, is a 410', () => {
    expect(statusOf(() => checkCursorIsCurrent({ epoch: 'ffffffffffffffff', sequence: 1 }, epoch, 10))).toBe(410);
    expect(statusOf(() => checkCursorIsCurrent({ epoch, sequence: 11 }, epoch, 10))).toBe(410);
    expect(statusOf(() => checkCursorIsCurrent({ epoch, sequence: 10 }, epoch, 10))).toBe(200);
  });
});

describe('a cursor that says how its page was served', () => {
  const epoch = '0123456789abcdef';
  const scoped = { epoch, sequence: 40, scope: { sequence: 42, servedAt: 1_780_000_000_000 } };

  it('round-trips under the database key, and is refused (400) when its HMAC does not verify', () => {
    const text = encodeCursor(scoped, 'k'.repeat(64));
    expect(decodeCursor(text, 'k'.repeat(64))).toEqual(scoped);
    const forged = Buffer.from(Buffer.from(text, 'base64url').toString('utf8').replace('.42.', '.41.'), 'utf8').toString(
      'base64url',
    );
    expect(() => checkCursorIsCurrent(decodeCursor(forged, 'k'.repeat(64)), epoch, 100)).toThrow(/malformed/);
  });

  it('from a replaced database (another epoch and key) is 410, not 400', () => {
    const text = encodeCursor(scoped, 'k'.repeat(64));
    let status: number | undefined;
    try {
      checkCursorIsCurrent(decodeCursor(text, 'x'.repeat(64)), 'fedcba9876543210', 100);
    } catch (error) {
      status = (error as { status: number }).status;
    }
    expect(status).toBe(410);
  });
});
