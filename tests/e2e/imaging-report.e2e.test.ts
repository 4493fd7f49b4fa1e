import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, it } from 'vitest';
import { expectAccessible } from './support/accessibility';
import { SCREENSHOT_DIR } from './support/chromium';
import { useE2eSession } from './support/e2e-session';
import { loginAndFirstSync } from './support/login';

// Issue 10, acceptance 1: the seeded imaging report keeps its PDF in a separate Binary, whose bytes
// travel as a blob (the Binary names its SHA-256; the attachment queue fetches them by ranged GETs
// through the Binary). Opened in the real UI in Chromium, the PDF renders.
const session = useE2eSession({ platform: 'demo' });
let page: Page;

beforeAll(async () => {
  page = await session.newPage();
});

describe('the seeded imaging report in Chromium', () => {
  it('opens with its PDF rendered, and the screen passes axe', async () => {
    await loginAndFirstSync(page, session.apps.app.url, 'gp');
    await page.getByRole('link', { name: 'Mes patients' }).click();
    await page.getByTestId('patients').getByText('REUTER Jean').click();
    const timeline = page.getByTestId('document-timeline');
    await timeline.getByText("Compte rendu d'imagerie").first().click();
    await page.getByTestId('pdf-canvas').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dsp-imaging-report-pdf.png') });
    await expectAccessible(page, 'DSP: seeded imaging report open');
  });
});
