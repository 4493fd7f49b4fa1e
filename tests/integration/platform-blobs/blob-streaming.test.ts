/**
 * A whole 64 MiB blob is served a window at a time (issue 10): the read that decides ends, then the chunk
 * rows are read window by window as the connection takes them. The bytes, their length and every range
 * across window and chunk boundaries come out exactly as uploaded; a blob whose chunks became the blob's
 * (never rewritten) reads the same as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BLOB_BYTES } from '../../../src-shared/domain/attachments';
import { SERVED_AT_ONCE_BYTES } from '../../../src-main/platform/blobs/blob-bytes';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { blobBinary, download, freshBytes, uploadBlob } from './blob-harness';

let env: TestPlatform;
let gp: string;
const bytes = freshBytes(MAX_BLOB_BYTES);

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  gp = await env.login('gp');
  await uploadBlob(env, gp, bytes);
  const put = await env.request('PUT', '/fhir/Binary/largest', { token: gp, body: blobBinary('largest', bytes) });
  expect(put.status).toBe(201);
});
afterAll(() => env?.stop());

describe('the bytes of the largest blob', () => {
  it('a full GET streams all 64 MiB, with their length announced', async () => {
    const got = await download(env, gp, 'largest');
    expect(got.status).toBe(200);
    expect(got.headers.get('content-length')).toBe(String(MAX_BLOB_BYTES));
    expect(got.bytes.length).toBe(MAX_BLOB_BYTES);
    expect(got.bytes.equals(bytes)).toBe(true);
  });

  it('ranges larger than a window, and ranges straddling window and chunk edges, hold exactly their bytes', async () => {
    const window = SERVED_AT_ONCE_BYTES;
    for (const [first, last] of [
      [window - 1, window],
      [1, 2 * window + 7],
      [3 * window - 5, MAX_BLOB_BYTES - 1],
      [0, window],
    ] as const) {
      const got = await download(env, gp, 'largest', { range: `bytes=${first}-${last}` });
      expect(got.status).toBe(206);
      expect(got.headers.get('content-range')).toBe(`bytes ${first}-${last}/${MAX_BLOB_BYTES}`);
      expect(got.bytes.equals(bytes.subarray(first, last + 1)), `${first}-${last}`).toBe(true);
    }
  });
});
