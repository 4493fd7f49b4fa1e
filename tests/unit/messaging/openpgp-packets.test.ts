import { describe, expect, it } from 'vitest';
import { packetHeader, PacketFormatError, readPackets } from '../../../src-main/core/messaging/openpgp-packets';

const bytes = (n: number, fill = 0xab) => new Uint8Array(n).fill(fill);

describe('OpenPGP packet framing', () => {
  it('writes the shortest new-format length and reads it back, at each boundary of RFC 4880 §4.2.2', () => {
    for (const [length, headerLength] of [
      [0, 2],
      [191, 2],
      [192, 3],
      [8383, 3],
      [8384, 6],
      [100_000, 6],
    ] as const) {
      const header = packetHeader(11, length);
      expect(header.length, `length ${length}`).toBe(headerLength);
      const [packet, ...rest] = readPackets(Buffer.concat([header, bytes(length)]));
      expect(rest).toEqual([]);
      expect(packet!.tag).toBe(11);
      expect(packet!.body.map((b) => b.length)).toEqual([length]);
      expect(packet!.end).toBe(headerLength + length);
    }
  });

  it('reads partial body lengths as pieces, as GnuPG streams data', () => {
    // 0xE1 = partial length of 2 bytes, 0xE0 = 1 byte, then a final definite length of 3.
    const packet = Uint8Array.of(0xc0 | 18, 0xe1, 1, 2, 0xe0, 3, 3, 4, 5, 6);
    const [read] = readPackets(packet);
    expect(read!.tag).toBe(18);
    expect(read!.body.map((b) => [...b])).toEqual([[1, 2], [3], [4, 5, 6]]);
    expect(read!.end).toBe(packet.length);
  });

  it('reads old-format headers (1, 2, 4 octet and indeterminate lengths)', () => {
    const oldHeader = (tag: number, lengthType: number) => 0x80 | (tag << 2) | lengthType;
    const packets = readPackets(
      Uint8Array.of(
        ...[oldHeader(1, 0), 2, 9, 9],
        ...[oldHeader(2, 1), 0, 1, 8],
        ...[oldHeader(11, 2), 0, 0, 0, 1, 7],
        ...[oldHeader(8, 3), 1, 2, 3, 4],
      ),
    );
    expect(packets.map((p) => [p.tag, ...p.body.map((b) => [...b])])).toEqual([
      [1, [9, 9]],
      [2, [8]],
      [11, [7]],
      [8, [1, 2, 3, 4]],
    ]);
  });

  it('hands out views of the bytes read, not copies', () => {
    const message = Buffer.concat([packetHeader(11, 50_000), bytes(50_000)]);
    const [packet] = readPackets(message);
    expect(packet!.body[0]!.buffer).toBe(message.buffer);
  });

  it('refuses truncated packets and bytes that open no packet', () => {
    expect(() => readPackets(Buffer.concat([packetHeader(11, 300), bytes(299)]))).toThrow(PacketFormatError);
    expect(() => readPackets(Uint8Array.of(0xc0 | 11, 0xff, 0, 0))).toThrow(PacketFormatError);
    expect(() => readPackets(Uint8Array.of(0xc0 | 18, 0xe2, 1))).toThrow(PacketFormatError);
    expect(() => readPackets(new TextEncoder().encode('-----BEGIN PGP MESSAGE-----'))).toThrow(/does not open a packet/);
  });
});
