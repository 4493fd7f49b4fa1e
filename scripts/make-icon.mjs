// Draws the app icon (a white cross on eSanté teal, rounded square) as build/icon.png and
// assets/icon.png without any image tool: a PNG is zlib-compressed rows plus CRC-checked chunks.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

const rows = [];
for (let y = 0; y < SIZE; y++) {
  const row = Buffer.alloc(1 + SIZE * 4);
  for (let x = 0; x < SIZE; x++) {
    const r = 96; // corner radius
    const cx = Math.min(Math.max(x, r), SIZE - 1 - r);
    const cy = Math.min(Math.max(y, r), SIZE - 1 - r);
    const inside = (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
    const cross =
      (Math.abs(x - SIZE / 2) < 48 && Math.abs(y - SIZE / 2) < 160) ||
      (Math.abs(y - SIZE / 2) < 48 && Math.abs(x - SIZE / 2) < 160);
    const [red, green, blue] = cross ? [255, 255, 255] : [0, 122, 135];
    row.set([red, green, blue, inside ? 255 : 0], 1 + x * 4);
  }
  rows.push(row);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
const png = Buffer.concat([
  Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows))),
  chunk('IEND', Buffer.alloc(0)),
]);
for (const path of ['build/icon.png', 'assets/icon.png', 'src-renderer/public/favicon.png']) writeFileSync(path, png);
