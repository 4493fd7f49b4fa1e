/**
 * The `$changes` cursor: opaque to clients, but it encodes the server commit sequence and the
 * database epoch (a random id chosen when the platform database was created). Never a timestamp:
 * clocks go backwards, sequences do not. A cursor from another epoch (the database was replaced)
 * cannot be continued, and the client must start a new snapshot (410).
 */
import { badRequest, FhirError } from './fhir-error';

export interface ChangesCursor {
  epoch: string;
  sequence: number;
}

const VERSION = 'c1';
const DECODED = /^c1\.([0-9a-f]{16,64})\.(0|[1-9][0-9]{0,15})$/;

export function encodeCursor(cursor: ChangesCursor): string {
  return Buffer.from(`${VERSION}.${cursor.epoch}.${cursor.sequence}`, 'utf8').toString('base64url');
}

/** Decodes a cursor's syntax; throws 400 when it is not one of ours. */
export function decodeCursor(text: string): ChangesCursor {
  const m = /^[A-Za-z0-9_-]{1,200}$/.test(text) ? DECODED.exec(Buffer.from(text, 'base64url').toString('utf8')) : null;
  if (!m || !Number.isSafeInteger(Number(m[2]))) {
    throw badRequest(
      'parameter cursor: malformed cursor (send back the next-cursor value exactly as received)',
      undefined,
      'value',
    );
  }
  return { epoch: m[1]!, sequence: Number(m[2]) };
}

/**
 * Checks a decoded cursor against this database: another epoch, or a sequence beyond what was ever
 * committed (a restored backup), means the client's copy cannot be continued → 410 Gone.
 */
export function checkCursorIsCurrent(cursor: ChangesCursor, epoch: string, currentSequence: number): void {
  if (cursor.epoch !== epoch) {
    throw new FhirError(410, {
      code: 'expired',
      diagnostics: 'parameter cursor: it belongs to another database epoch; start a new snapshot without a cursor',
    });
  }
  if (cursor.sequence > currentSequence) {
    throw new FhirError(410, {
      code: 'expired',
      diagnostics: `parameter cursor: sequence ${cursor.sequence} is beyond the server's (${currentSequence}); start a new snapshot without a cursor`,
    });
  }
}
