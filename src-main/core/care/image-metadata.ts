import { DeskError } from '../../../src-shared/domain/errors';

/** JPEG segments that carry metadata rather than the picture: APP1 (EXIF, XMP: GPS position, camera, owner) … APP15, COM. */
const isMetadataSegment = (marker: number) => (marker >= 0xe1 && marker <= 0xef) || marker === 0xfe;
/** PNG chunks with text or EXIF (eXIf, tEXt, iTXt, zTXt, tIME). */
const PNG_METADATA_CHUNKS = new Set(['eXIf', 'tEXt', 'iTXt', 'zTXt', 'tIME']);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function notAnImage(contentType: string): DeskError {
  return new DeskError('invalid_input', `photo.data: not a ${contentType} image`, 'photo.data');
}

function stripJpeg(bytes: Buffer): Buffer {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) throw notAnImage('image/jpeg');
  const kept: Buffer[] = [bytes.subarray(0, 2)];
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw notAnImage('image/jpeg');
    const marker = bytes[at + 1]!;
    if (marker === 0xda) break; // start of scan: the picture itself follows, kept whole
    const length = bytes.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > bytes.length) throw notAnImage('image/jpeg');
    if (!isMetadataSegment(marker)) kept.push(bytes.subarray(at, at + 2 + length));
    at += 2 + length;
  }
  kept.push(bytes.subarray(at));
  return Buffer.concat(kept);
}

function stripPng(bytes: Buffer): Buffer {
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw notAnImage('image/png');
  const kept: Buffer[] = [PNG_SIGNATURE];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (end > bytes.length) throw notAnImage('image/png');
    if (!PNG_METADATA_CHUNKS.has(type)) kept.push(bytes.subarray(at, end));
    at = end;
  }
  return Buffer.concat(kept);
}

/**
 * A wound photo without what the camera wrote about it (EXIF: where, when, which phone, whose): the picture's
 * bytes are kept as they are, only the metadata segments go. Refuses bytes that are not the announced format.
 */
export function stripImageMetadata(bytes: Buffer, contentType: 'image/jpeg' | 'image/png'): Buffer {
  return contentType === 'image/jpeg' ? stripJpeg(bytes) : stripPng(bytes);
}
