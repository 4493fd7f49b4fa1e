/**
 * The two range headers of the blob protocol, parsed strictly (a malformed one is a 400 naming the
 * header and its form, never silently ignored): `Content-Range` on an upload chunk, `Range` on a download.
 */
import { badRequest, FhirError } from '../fhir/fhir-error';

/** Inclusive byte positions, as HTTP writes them. */
export interface ByteRange {
  first: number;
  last: number;
}

const CONTENT_RANGE = /^bytes ([0-9]{1,15})-([0-9]{1,15})\/([0-9]{1,15})$/;

/** `Content-Range: bytes <first>-<last>/<size>` of an upload chunk of `bodyBytes` bytes to a blob of `size` bytes. */
export function parseContentRange(header: string | undefined, size: number, bodyBytes: number): ByteRange {
  const form = `bytes <first>-<last>/${size}`;
  if (header === undefined) throw badRequest(`Content-Range: required on an upload chunk (${form})`, undefined, 'required');
  const match = CONTENT_RANGE.exec(header.trim());
  if (!match) throw badRequest(`Content-Range: "${header.slice(0, 60)}" is not of the form ${form}`, undefined, 'value');
  const [first, last, total] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (total !== size) throw badRequest(`Content-Range: total ${total} differs from the upload's size (${size} bytes)`);
  if (last < first) throw badRequest(`Content-Range: last byte ${last} is before the first (${first})`);
  if (last >= size) throw badRequest(`Content-Range: last byte ${last} is past the end of the blob (bytes 0-${size - 1})`);
  if (last - first + 1 !== bodyBytes)
    throw badRequest(`Content-Range: names ${last - first + 1} bytes (${first}-${last}), but the body holds ${bodyBytes}`);
  return { first, last };
}

/**
 * `Range: bytes=<first>-<last>`, `bytes=<first>-` or `bytes=-<suffix length>` of a download of `size`
 * bytes; undefined when absent. One range per request. A range starting past the end is a 416 naming the size.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const form = 'bytes=<first>-<last>, bytes=<first>- or bytes=-<length>';
  const value = header.trim();
  if (!value.startsWith('bytes=')) throw badRequest(`Range: "${value.slice(0, 60)}" is not a byte range (${form})`);
  const spec = value.slice('bytes='.length);
  if (spec.includes(',')) throw badRequest(`Range: one range per request (${form})`, undefined, 'not-supported');
  const match = /^([0-9]{0,15})-([0-9]{0,15})$/.exec(spec.trim());
  if (!match || (match[1] === '' && match[2] === ''))
    throw badRequest(`Range: "${value.slice(0, 60)}" is not a byte range (${form})`);
  const unsatisfiable = () =>
    new FhirError(
      416,
      { code: 'value', diagnostics: `Range: "${value.slice(0, 60)}" lies outside the content (${size} bytes)` },
      { 'Content-Range': `bytes */${size}` },
    );
  if (match[1] === '') {
    const length = Number(match[2]);
    if (length === 0 || size === 0) throw unsatisfiable();
    return { first: Math.max(0, size - length), last: size - 1 };
  }
  const first = Number(match[1]);
  const last = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== '' && Number(match[2]) < first)
    throw badRequest(`Range: last byte ${match[2]} is before the first (${first})`);
  if (first >= size) throw unsatisfiable();
  return { first, last };
}
