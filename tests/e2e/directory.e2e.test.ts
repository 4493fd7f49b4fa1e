import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../fixtures/test-platform';
import { expectAccessible } from './support/accessibility';
import { startApp, type RunningApp } from './support/app-process';
import { launchChromium, SCREENSHOT_DIR } from './support/chromium';
import { loginAndFirstSync } from './support/login';

// Issue 15, acceptance 5: the directory finds the nurses of Ettelbruck with two filters, opens a card
// (address, organisation, roles, key fingerprint), and a message starts from the card.
let platform: TestPlatform;
let nurseApp: RunningApp;
let gpApp: RunningApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  platform = await startTestPlatform({ seed: 'demo' });
  nurseApp = await startApp({ args: ['--platform-url', platform.url] });
  gpApp = await startApp({ args: ['--platform-url', platform.url] });
  browser = await launchChromium();
  // The nurse logs in once (publishes her messaging key), then the GP.
  await loginAndFirstSync(await browser.newPage(), nurseApp.url, 'nurse');
  page = await browser.newPage();
  await loginAndFirstSync(page, gpApp.url, 'gp');
});
afterAll(async () => {
  await browser?.close();
  await nurseApp?.stop();
  await gpApp?.stop();
  await platform?.stop().catch(() => {});
});

describe('the professional directory in Chromium', () => {
  it('finds the nurses of Ettelbruck with two filters', async () => {
    await page.getByRole('link', { name: 'Annuaires' }).click();
    const form = page.getByRole('search', { name: 'Professionnels de santé' });
    await form.getByLabel('Profession', { exact: true }).click();
    await page.getByRole('option', { name: 'Infirmier·ère' }).click();
    await form.getByLabel('Localité').fill('Ettelbruck');
    await form.getByRole('button', { name: 'Rechercher' }).click();
    const results = page.getByTestId('directory-results');
    await results.getByRole('button', { name: 'Marie Hoffmann' }).waitFor();
    const rows = results.getByRole('row');
    // Every row (but the header) is a nurse in Ettelbruck.
    const count = await rows.count();
    expect(count).toBeGreaterThan(1);
    for (let i = 1; i < count; i++) {
      await expect.poll(() => rows.nth(i).textContent()).toMatch(/Infirmier·ère.*Ettelbruck/);
    }
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'directory-nurses-ettelbruck.png') });
    await expectAccessible(page, 'directory: filtered results');
  });

  it('opens a card and starts a message from it', async () => {
    await page.getByTestId('directory-results').getByRole('button', { name: 'Marie Hoffmann' }).first().click();
    const card = page.getByTestId('practitioner-card');
    await card.getByText('Ettelbruck', { exact: false }).first().waitFor();
    expect(await card.getByTestId('card-fingerprint').textContent()).toMatch(/^([0-9A-F]{4} ){9}[0-9A-F]{4}$/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'directory-card.png') });
    await expectAccessible(page, 'directory: card');

    await card.getByRole('button', { name: 'Écrire un message' }).click();
    const compose = page.getByRole('form', { name: 'Nouveau message' });
    await compose.getByText('Marie Hoffmann', { exact: true }).waitFor();
    await page.getByLabel(/^Objet/).fill('Depuis l’annuaire');
    await page.getByLabel('Message', { exact: true }).fill('Bonjour, un message commencé depuis votre fiche.');
    await expectAccessible(page, 'mailbox: compose from a directory card');
    await page.getByRole('button', { name: 'Envoyer' }).click();
    await page.getByTestId('message-list').getByText('Depuis l’annuaire').waitFor();
  });
});
