import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { createTestClient, loginAs, syncNow } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

// Threat: bytes swapped on the way (a compromised relay, a platform bug) are shown as the document, or
// kept in the cache under the address of other content. The attachment queue checks the SHA-256 the
// Binary names once all bytes are in: a mismatch is refused, nothing of it is kept, and the next
// download starts over from byte 0.
let platform: TestPlatform;
let relay: http.Server;
let tamper = true;
let tampered = 0;
let laptop: Core;
let desktop: Core;
let documentId = '';
const content = randomBytes(2 * 1024 * 1024 + 99);
content.write('%PDF-1.7\n', 0, 'latin1');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Forwards everything to the platform; flips one byte of every Binary range it relays while `tamper` holds. */
function startRelay(upstream: URL): Promise<number> {
  relay = http.createServer((req, res) => {
    const forward = http.request(
      new URL(req.url ?? '/', upstream),
      { method: req.method, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          if (tamper && req.url?.startsWith('/fhir/Binary/') && answer.statusCode === 206 && body.length > 10) {
            body[10]! ^= 0xff;
            tampered += 1;
          }
          res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'content-length': body.length });
          res.end(body);
        });
      },
    );
    req.pipe(forward);
  });
  return new Promise((resolve) => relay.listen(0, '127.0.0.1', () => resolve((relay.address() as AddressInfo).port)));
}

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'demo' });
  const port = await startRelay(new URL(new URL(platform.url).origin));
  laptop = createTestClient(platform.url);
  desktop = createTestClient(`http://127.0.0.1:${port}/fhir`);
  await loginAs(laptop, 'gp');
  await loginAs(desktop, 'gp');
  const added = await laptop.desk.dsp.addDocument({
    patientId: 'demo-patient',
    type: '18748-4',
    title: 'Scanner thoracique',
    confidentiality: 'N',
    contentType: 'application/pdf',
    data: content.toString('base64'),
  });
  if (!added.ok) throw new Error(JSON.stringify(added.error));
  documentId = added.value.id;
  await syncNow(laptop);
  await syncNow(desktop);
});
afterAll(async () => {
  await laptop?.close();
  await desktop?.close();
  await new Promise((resolve) => relay?.close(resolve));
  await platform?.stop();
});

describe('a Binary whose bytes arrive altered', () => {
  it('is refused, naming the hash, and nothing of it is kept in the cache', async () => {
    const opened = await desktop.desk.dsp.document({ id: documentId });
    expect(tampered).toBeGreaterThan(0);
    expect(opened).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'sha256' } });
    const store = desktop.sessions.require().store;
    expect(store.blobs.list().filter((b) => b.sha256 === sha256(content))).toEqual([]);
    expect(store.integrityCheck().ok).toBe(true);
  });

  it('once the bytes arrive as they were written, the document opens with them', async () => {
    tamper = false;
    const opened = await desktop.desk.dsp.document({ id: documentId });
    if (!opened.ok) throw new Error(JSON.stringify(opened.error));
    expect(sha256(Buffer.from(opened.value.data!, 'base64'))).toBe(sha256(content));
    expect(desktop.sessions.require().store.blobs.verify(sha256(content))).toBe(true);
  });
});
