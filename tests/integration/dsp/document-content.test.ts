import type { DocumentReference } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { createTestClient, loginAs, syncNow } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

// Issue 15 item 7: a document whose content is a separate Binary opens with it, and one whose content
// cannot be shown says why. The seeded imaging report keeps its PDF in Binary dsp-demo-patient-18748-4-pdf.
const REPORT = 'dsp-demo-patient-18748-4';
const PDF_BINARY = `${REPORT}-pdf`;
let platform: TestPlatform;
let gp: Core;

async function open(id: string) {
  const opened = await gp.desk.dsp.document({ id });
  if (!opened.ok) throw new Error(JSON.stringify(opened.error));
  return opened.value;
}

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'demo' });
  gp = createTestClient(platform.url);
  await loginAs(gp, 'gp');
  await syncNow(gp);
});
afterAll(async () => {
  await gp?.close();
  await platform?.stop().catch(() => {});
});

describe('a document’s content, or why it cannot be shown', () => {
  it('the imaging report opens with the PDF of its Binary', async () => {
    const report = await open(REPORT);
    expect(report).toMatchObject({ contentType: 'application/pdf', unavailable: null, text: null });
    expect(Buffer.from(report.data!, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('a content type the app cannot show says so', async () => {
    const store = gp.sessions.require().store;
    const report = store.resources.get<DocumentReference>('DocumentReference', REPORT)!.resource;
    const image: DocumentReference = {
      ...report,
      id: 'dsp-demo-image',
      content: [
        { attachment: { ...report.content[0]!.attachment, contentType: 'image/jpeg', url: 'Binary/dsp-demo-image-jpg' } },
      ],
    };
    store.resources.upsert(image);
    expect(await open('dsp-demo-image')).toMatchObject({ data: null, text: null, unavailable: 'not-displayable' });
  });

  it('a Binary that has not reached the cache is fetched from the platform, authorised through its document', async () => {
    const store = gp.sessions.require().store;
    const version = store.resources.versionOf('Binary', PDF_BINARY)!.versionId;
    store.resources.markDeleted('Binary', PDF_BINARY, version);
    expect(store.resources.get('Binary', PDF_BINARY)).toBeUndefined();
    const report = await open(REPORT);
    expect(report.unavailable).toBeNull();
    expect(Buffer.from(report.data!, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('offline, a Binary not on this device yet is said to be so', async () => {
    await platform.stop();
    expect(await open(REPORT)).toMatchObject({ data: null, text: null, unavailable: 'not-on-device' });
  });
});
