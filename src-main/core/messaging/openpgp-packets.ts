/**
 * OpenPGP packet framing (RFC 4880 §4.2): where each packet starts and ends, and the header that opens
 * one. No cryptography here, and no copies: a packet's body is handed out as views of the bytes read.
 * GnuPG writes old-format headers for some packets and partial body lengths for data it streams, so
 * both are read; we always write new-format headers with a definite length.
 */

export const PacketTag = {
  publicKeyEncryptedSessionKey: 1,
  signature: 2,
  onePassSignature: 4,
  compressedData: 8,
  symmetricallyEncryptedData: 9,
  literalData: 11,
  symEncryptedIntegrityProtectedData: 18,
  modificationDetectionCode: 19,
} as const;

export interface RawPacket {
  tag: number;
  /** Offsets of the whole packet, header included, in the bytes read. */
  start: number;
  end: number;
  /** The body as views of the bytes read: one piece, or one per partial body length chunk. */
  body: Uint8Array[];
}

/** The bytes are not a well-formed sequence of OpenPGP packets (truncated, or a header that is not one). */
export class PacketFormatError extends Error {
  constructor(reason: string) {
    super(`malformed OpenPGP packet: ${reason}`);
    this.name = 'PacketFormatError';
  }
}

/** Splits `bytes` into packets (framing only: bodies are not parsed). */
export function readPackets(bytes: Uint8Array): RawPacket[] {
  const packets: RawPacket[] = [];
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.length) throw new PacketFormatError(`truncated at byte ${at}`);
  };
  const take = (n: number): Uint8Array => {
    need(n);
    at += n;
    return bytes.subarray(at - n, at);
  };
  const uint32 = () => {
    need(4);
    const value = ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
    at += 4;
    return value;
  };
  while (at < bytes.length) {
    const start = at;
    const first = bytes[at++]!;
    if ((first & 0x80) === 0) throw new PacketFormatError(`byte ${start} does not open a packet`);
    const body: Uint8Array[] = [];
    let tag: number;
    if (first & 0x40) {
      tag = first & 0x3f;
      for (;;) {
        need(1);
        const octet = bytes[at++]!;
        if (octet < 192) {
          body.push(take(octet));
          break;
        }
        if (octet < 224) {
          need(1);
          body.push(take(((octet - 192) << 8) + bytes[at++]! + 192));
          break;
        }
        if (octet === 255) {
          body.push(take(uint32()));
          break;
        }
        body.push(take(1 << (octet & 0x1f))); // a partial body length: more chunks follow
      }
    } else {
      tag = (first >> 2) & 0x0f;
      const lengthType = first & 0x03;
      if (lengthType === 3)
        body.push(take(bytes.length - at)); // indeterminate: to the end
      else {
        need(1 << lengthType);
        let length = 0;
        for (let i = 0; i < 1 << lengthType; i++) length = length * 256 + bytes[at++]!;
        body.push(take(length));
      }
    }
    packets.push({ tag, start, end: at, body });
  }
  return packets;
}

/** A new-format packet header with a definite body length, in the fewest octets RFC 4880 allows. */
export function packetHeader(tag: number, length: number): Uint8Array {
  if (length < 192) return Uint8Array.of(0xc0 | tag, length);
  if (length < 8384) return Uint8Array.of(0xc0 | tag, ((length - 192) >> 8) + 192, (length - 192) & 0xff);
  if (length > 0xffffffff) throw new RangeError(`an OpenPGP packet body holds at most 4 GiB, not ${length} bytes`);
  return Uint8Array.of(0xc0 | tag, 255, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
}

/** Total length of byte pieces. */
export function lengthOf(pieces: readonly Uint8Array[]): number {
  let total = 0;
  for (const piece of pieces) total += piece.length;
  return total;
}
