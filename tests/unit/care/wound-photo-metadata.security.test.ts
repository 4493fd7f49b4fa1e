/**
 * Threat: a wound photo leaks where and by whom it was taken. A phone's JPEG carries EXIF (GPS position of the
 * patient's home, device serial, owner) and PNGs carry text chunks; stored and synced as is, every colleague's
 * cache and the platform would hold them. The core removes every metadata segment before the photo is stored,
 * keeps the picture's bytes as they are, and refuses bytes that are not the announced format.
 */
import { describe, expect, it } from 'vitest';
import { stripImageMetadata } from '../../../src-main/core/care/image-metadata';

function jpegSegment(marker: number, body: string): Buffer {
  const bytes = Buffer.from(body, 'latin1');
  return Buffer.concat([Buffer.from([0xff, marker, (bytes.length + 2) >> 8, (bytes.length + 2) & 0xff]), bytes]);
}

function pngChunk(type: string, body: string): Buffer {
  const data = Buffer.from(body, 'latin1');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]); // CRC not checked here
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('wound photos lose their camera metadata', () => {
  it('a JPEG keeps its picture and loses EXIF (GPS), XMP, IPTC and comments', () => {
    const quantisation = jpegSegment(0xdb, 'QQQQ');
    const scan = Buffer.from([0xff, 0xda, 0x00, 0x02, 0x42, 0x43, 0xff, 0xd9]);
    const jfif = jpegSegment(0xe0, 'JFIF\0'); // the format's own header (APP0), not metadata: kept
    const jpeg = Buffer.concat([
      Buffer.from([0xff, 0xd8]),
      jfif,
      jpegSegment(0xe1, 'Exif\0\0GPSLatitude 49.6116 GPSLongitude 6.1319'),
      jpegSegment(0xe1, 'http://ns.adobe.com/xap/1.0/\0<x:creator>Marie</x:creator>'),
      jpegSegment(0xed, 'Photoshop 3.0\0IPTC owner'),
      jpegSegment(0xfe, 'Samsung SM-A525F serial 1234'),
      quantisation,
      scan,
    ]);
    const stripped = stripImageMetadata(jpeg, 'image/jpeg');
    for (const leak of ['GPS', 'Marie', 'IPTC', 'serial']) expect(stripped.includes(Buffer.from(leak)), leak).toBe(false);
    expect(stripped).toEqual(Buffer.concat([Buffer.from([0xff, 0xd8]), jfif, quantisation, scan]));
  });

  it('a PNG keeps its image chunks and loses eXIf and text chunks', () => {
    const header = pngChunk('IHDR', 'hdr-bytes-13.');
    const image = pngChunk('IDAT', 'pixels');
    const end = pngChunk('IEND', '');
    const png = Buffer.concat([
      PNG_SIGNATURE,
      header,
      pngChunk('tEXt', 'Author\0Marie Hoffmann'),
      pngChunk('eXIf', 'GPS 49.61 6.13'),
      pngChunk('iTXt', 'Location\0\0\0\0\0Ettelbruck'),
      image,
      end,
    ]);
    const stripped = stripImageMetadata(png, 'image/png');
    for (const leak of ['Marie', 'GPS', 'Ettelbruck']) expect(stripped.includes(Buffer.from(leak)), leak).toBe(false);
    expect(stripped).toEqual(Buffer.concat([PNG_SIGNATURE, header, image, end]));
  });

  it('bytes that are not the announced image are refused, naming the field', () => {
    expect(() => stripImageMetadata(Buffer.from('%PDF-1.7 not a photo'), 'image/jpeg')).toThrow(/photo\.data/);
    expect(() => stripImageMetadata(Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff]), 'image/jpeg')).toThrow(/photo\.data/);
    expect(() => stripImageMetadata(Buffer.from('GIF89a'), 'image/png')).toThrow(/photo\.data/);
  });
});
