import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64Of } from '../../../src-main/core/messaging/message-wire';

describe('base64Of', () => {
  it('encodes exactly the bytes of a view, not the whole buffer behind it (openpgp.js returns subarrays)', () => {
    const whole = randomBytes(4096);
    const view = new Uint8Array(whole.buffer, whole.byteOffset + 17, 1000);
    expect(base64Of(view)).toBe(Buffer.from(whole.subarray(17, 1017)).toString('base64'));
    expect(base64Of(new Uint8Array(0))).toBe('');
  });
});
