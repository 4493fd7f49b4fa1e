/**
 * The minutes of a tumour board are written in the language of the author's UI (fr, de, en): the document's own
 * words (heading, labels, the reminder that a proposal is no prescription, the footer) follow the setting, while
 * the clinical content — the proposal as the board entered it — is printed as entered. Read back from the real
 * PDF with pdf.js, as the viewer shows it.
 */
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { DEMO_ACCOUNTS } from '../../../src-main/platform/seed/demo-accounts';
import { RCP_DEMO } from '../../../src-main/platform/seed/demo-rcp';
import { createTestClient, syncNow, TEST_PASSPHRASE, value } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

let platform: TestPlatform;
let oncologist: Core;

/** The text of every page, as pdf.js extracts it. */
async function textOf(base64: string): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const fonts = join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts/');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(Buffer.from(base64, 'base64')), standardFontDataUrl: fonts })
    .promise;
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await doc.destroy();
  return pages.join('\n');
}

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'demo' });
  oncologist = createTestClient(platform.url);
  const account = DEMO_ACCOUNTS.find((a) => a.identifier === 'demo.oncologist')!;
  value(
    await oncologist.desk.session.login({
      identifier: account.identifier,
      password: account.password,
      otp: account.otp,
      passphrase: TEST_PASSPHRASE,
    }),
  );
  await syncNow(oncologist);
});
afterAll(async () => {
  await oncologist?.close();
  await platform?.stop();
});

const PROPOSAL = 'Lobectomie supérieure droite avec curage ganglionnaire';
const EXPECTED = {
  fr: ['Compte rendu de réunion de concertation pluridisciplinaire', 'Proposition thérapeutique de la RCP', 'Généré le'],
  de: ['Protokoll der interdisziplinären Tumorkonferenz', 'Therapieempfehlung der Tumorkonferenz', 'Erstellt am'],
  en: ['Minutes of the multidisciplinary tumour board', 'Treatment proposal of the board', 'Generated on'],
} as const;

describe('the minutes in the author’s language', () => {
  it.each(['fr', 'de', 'en'] as const)('%s: the labels in that language, the proposal as entered', async (language) => {
    value(await oncologist.desk.settings.update({ language }));
    const preview = value(await oncologist.desk.rcp.minutesPreview({ meetingId: RCP_DEMO.pastMeeting }));
    expect(preview.cases).toBe(1);
    const text = await textOf(preview.data);
    for (const words of EXPECTED[language]) expect(text).toContain(words);
    for (const other of (['fr', 'de', 'en'] as const).filter((l) => l !== language))
      for (const words of EXPECTED[other]) expect(text).not.toContain(words);
    expect(text).toContain(PROPOSAL);
  });
});
