/**
 * Bytes of an upload or a stored blob, read from their chunk rows a window at a time (so verifying a
 * 64 MiB upload never holds it whole), and hashed.
 */
import { createHash } from 'node:crypto';
import type { ReadUnit } from '../fhir/fhir-response';
import type { StorageTx } from '../storage/platform-storage';

/** Chunk rows fetched per query while streaming: a few chunks, never a whole blob. */
const WINDOW_BYTES = 8 * 1024 * 1024;

/** The bytes of [from, to) of `source`, in order, as views on the chunk rows (no copies). */
export async function* bytesOf(
  tx: StorageTx,
  source: { upload: string } | { blob: string },
  from: number,
  to: number,
): AsyncGenerator<Buffer> {
  let at = from;
  while (at < to) {
    const windowEnd = Math.min(to, at + WINDOW_BYTES);
    const chunks = await tx.chunks(source, at, windowEnd);
    const before = at;
    for (const chunk of chunks) {
      const data = Buffer.isBuffer(chunk.data) ? chunk.data : Buffer.from(chunk.data);
      const start = Math.max(at, chunk.offset) - chunk.offset;
      const end = Math.min(windowEnd, chunk.offset + data.length) - chunk.offset;
      if (chunk.offset > at) throw new Error(`blob bytes ${at}-${chunk.offset - 1} missing from the store`);
      if (end <= start) continue;
      yield data.subarray(start, end);
      at = chunk.offset + end;
    }
    if (at === before) throw new Error(`blob bytes ${at}-${to - 1} missing from the store`);
  }
}

/**
 * The bytes of [from, to) of `source`, a window at a time, each window read in a unit of its own (`read`):
 * a whole 64 MiB blob is never held at once, and no read unit stays open while the connection drains.
 */
export async function* streamBytes(
  read: ReadUnit,
  source: { upload: string } | { blob: string },
  from: number,
  to: number,
): AsyncGenerator<Buffer> {
  for (let at = from; at < to; at = Math.min(to, at + WINDOW_BYTES)) {
    const windowEnd = Math.min(to, at + WINDOW_BYTES);
    yield* await read((tx) => readParts(tx, source, at, windowEnd));
  }
}

async function readParts(tx: StorageTx, source: { upload: string } | { blob: string }, from: number, to: number) {
  const parts: Buffer[] = [];
  for await (const part of bytesOf(tx, source, from, to)) parts.push(part);
  return parts;
}

/** Served within the unit that decided: up to one window; more is streamed (streamBytes). */
export const SERVED_AT_ONCE_BYTES = WINDOW_BYTES;

export async function readBytes(tx: StorageTx, source: { upload: string } | { blob: string }, from: number, to: number) {
  const parts = await readParts(tx, source, from, to);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

export async function sha256Of(tx: StorageTx, source: { upload: string } | { blob: string }, size: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const part of bytesOf(tx, source, 0, size)) hash.update(part);
  return hash.digest('hex');
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
