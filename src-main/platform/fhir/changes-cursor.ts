/**
 * The `$changes` cursor: opaque to clients, but it encodes the server commit sequence and the
 * database epoch (a random id chosen when the platform database was created). Its position is never a
 * timestamp: clocks go backwards, sequences do not. A cursor from another epoch (the database was replaced)
 * cannot be continued, and the client must start a new snapshot (410).
 *
 * A cursor may also say how the page that issued it was served — the commit sequence its scope was computed
 * at, and when — so the next page can tell what the caller stopped (or started) seeing since (a care
 * relationship that ended). That part decides what is revoked or granted, so it is authenticated with an HMAC
 * under a key of this database: a forged "then" would otherwise reveal which records exist.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest, FhirError } from './fhir-error';

/** Storage meta key of the cursor's HMAC key (random, made with the database's epoch). */
export const CURSOR_KEY_META = 'changes-cursor-key';

export interface ChangesCursor {
  epoch: string;
  sequence: number;
  /** How the issuing page was served (c2 cursors only). */
  scope?: { sequence: number; servedAt: number };
  /** A c2 cursor whose HMAC does not verify under this database's key: refused once its epoch is known to be ours. */
  unauthentic?: true;
}

const VERSION = 'c1';
const DECODED = /^c1\.([0-9a-f]{16,64})\.(0|[1-9][0-9]{0,15})$/;
const DECODED_SCOPED = /^c2\.([0-9a-f]{16,64})\.(0|[1-9][0-9]{0,15})\.(0|[1-9][0-9]{0,15})\.([1-9][0-9]{0,15})\.([0-9a-f]{32})$/;

const malformed = () =>
  badRequest('parameter cursor: malformed cursor (send back the next-cursor value exactly as received)', undefined, 'value');

function mac(key: string, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex').slice(0, 32);
}

/** `key` authenticates the scope part; without a scope (or a key) the cursor is the plain c1 form. */
export function encodeCursor(cursor: ChangesCursor, key?: string): string {
  if (cursor.scope && key !== undefined) {
    const text = `c2.${cursor.epoch}.${cursor.sequence}.${cursor.scope.sequence}.${cursor.scope.servedAt}`;
    return Buffer.from(`${text}.${mac(key, text)}`, 'utf8').toString('base64url');
  }
  return Buffer.from(`${VERSION}.${cursor.epoch}.${cursor.sequence}`, 'utf8').toString('base64url');
}

/**
 * Decodes a cursor's syntax; throws 400 when it is not one of ours. A scoped cursor whose HMAC does not verify
 * comes back marked `unauthentic`: a cursor of a replaced database (another key) must still be told 410, not 400
 * (checkCursorIsCurrent decides in that order).
 */
export function decodeCursor(text: string, key?: string): ChangesCursor {
  const decoded = /^[A-Za-z0-9_-]{1,200}$/.test(text) ? Buffer.from(text, 'base64url').toString('utf8') : '';
  const plain = DECODED.exec(decoded);
  if (plain) {
    if (!Number.isSafeInteger(Number(plain[2]))) throw malformed();
    return { epoch: plain[1]!, sequence: Number(plain[2]) };
  }
  const scoped = DECODED_SCOPED.exec(decoded);
  if (!scoped) throw malformed();
  const [sequence, scopeSequence, servedAt] = [Number(scoped[2]), Number(scoped[3]), Number(scoped[4])];
  if (![sequence, scopeSequence, servedAt].every(Number.isSafeInteger)) throw malformed();
  const body = decoded.slice(0, decoded.lastIndexOf('.'));
  const authentic = key !== undefined && timingSafeEqual(Buffer.from(mac(key, body), 'utf8'), Buffer.from(scoped[5]!, 'utf8'));
  return authentic
    ? { epoch: scoped[1]!, sequence, scope: { sequence: scopeSequence, servedAt } }
    : { epoch: scoped[1]!, sequence, unauthentic: true };
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
  // Our epoch: a cursor whose scope part does not verify was not issued by this database.
  if (cursor.unauthentic) throw malformed();
  if (cursor.sequence > currentSequence || (cursor.scope?.sequence ?? 0) > currentSequence) {
    throw new FhirError(410, {
      code: 'expired',
      diagnostics: `parameter cursor: sequence ${cursor.sequence} is beyond the server's (${currentSequence}); start a new snapshot without a cursor`,
    });
  }
}
