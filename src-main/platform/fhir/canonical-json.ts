import { createHash } from 'node:crypto';

/**
 * JSON with sorted keys: the same content gives the same text whatever the key order, so payloads can
 * be hashed (the operation ledger) and resources compared (what a caller changed).
 */
export function canonicalJson(value: unknown): string {
  // A raw body (an upload chunk) is named by its hash: its bytes as JSON would be ten times their size.
  if (Buffer.isBuffer(value)) return `bytes:${createHash('sha256').update(value).digest('hex')}`;
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
