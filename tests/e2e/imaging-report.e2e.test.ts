import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../fixtures/test-platform';
import { startApp, type RunningApp } from './support/app-process';
import { expectAccessible } from './support/accessibility';
import { launchChromium, SCREENSHOT_DIR } from './support/chromium';
import { loginAndFirstSync } from './support/login';

// Issue 10, acceptance 1: the seeded imaging report keeps its PDF in a separate Binary, whose bytes
// travel as a blob (the Binary names its SHA-256; the attachment queue fetches them by ranged GETs
// through the Binary). Opened in the real UI in Chromium, the PDF renders.
let platform: TestPlatform;
let app: RunningApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  platform = await startTestPlatform({ seed: 'demo' });
  app = await startApp({ args: ['--platform-url', platform.url] });
  browser = await launchChromium();
  page = await browser.newPage();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await platform?.stop().catch(() => {});
});

describe('the seeded imaging report in Chromium', () => {
  it('opens with its PDF rendered, and the screen passes axe', async () => {
    await loginAndFirstSync(page, app.url, 'gp');
    await page.getByRole('link', { name: 'Mes patients' }).click();
    await page.getByTestId('patients').getByText('REUTER Jean').click();
    const timeline = page.getByTestId('document-timeline');
    await timeline.getByText("Compte rendu d'imagerie").first().click();
    await page.getByTestId('pdf-canvas').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dsp-imaging-report-pdf.png') });
    await expectAccessible(page, 'DSP: seeded imaging report open');
  });
});
