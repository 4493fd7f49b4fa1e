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
