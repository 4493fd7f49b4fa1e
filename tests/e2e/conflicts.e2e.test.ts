import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount } from '../../src-main/platform/seed/demo-accounts';
import { startTestPlatform, type TestPlatform } from '../fixtures/test-platform';
import { expectAccessible } from './support/accessibility';
import { startApp, type RunningApp } from './support/app-process';
import { launchChromium, SCREENSHOT_DIR } from './support/chromium';
import { loginAndFirstSync } from './support/login';

// Issue 15, item 6: a write the platform refused is shown as the clinical thing it is (which patient,
// which record, field by field), in Chromium, and passes the accessibility check.
let platform: TestPlatform;
let app: RunningApp;
let browser: Browser;
let page: Page;

/** The patient (demo account) revokes the GP's référent right on the platform, behind the GP's back. */
async function patientRevokesReferent() {
  const patient = demoAccount('patient');
  const origin = new URL(platform.url).origin;
  const login = await fetch(`${origin}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ identifier: patient.identifier, password: patient.password, otp: patient.otp }),
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const response = await fetch(`${platform.url}/Patient/demo-patient/$revoke-referent`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/fhir+json' },
    body: '{}',
  });
  if (response.status >= 300) throw new Error(`revoke-referent: ${response.status} ${await response.text()}`);
}

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  platform = await startTestPlatform({ seed: 'demo' });
  app = await startApp({ args: ['--platform-url', platform.url] });
  browser = await launchChromium();
  page = await browser.newPage();
  await loginAndFirstSync(page, app.url, 'gp');
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await platform?.stop().catch(() => {});
});

describe('a refused write on the conflicts screen', () => {
  it('names the patient and the record and lists the fields, not JSON', async () => {
    await page.getByRole('link', { name: 'Mes patients' }).click();
    await page.getByTestId('patients').getByText('REUTER Jean').click();
    await page.getByTestId('patient-banner').waitFor();
    await patientRevokesReferent();

    await page.getByRole('button', { name: 'Ajouter un document' }).click();
    await page.getByLabel(/^Titre/).fill('Certificat de visite');
    await page.getByLabel('Ou texte').fill('Vu ce jour à domicile.');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByRole('button', { name: 'Synchroniser' }).click();

    await page.getByRole('link', { name: 'Conflits' }).click();
    const conflict = page.getByTestId('conflict');
    await conflict.waitFor({ timeout: 30_000 });
    await conflict.getByRole('heading', { name: /Document du DSP/ }).waitFor();
    await conflict.getByRole('link', { name: 'REUTER Jean' }).waitFor();
    const changes = conflict.getByTestId('conflict-changes');
    expect(await changes.getByRole('row', { name: /^Titre/ }).textContent()).toContain('Certificat de visite');
    expect(await conflict.textContent()).not.toContain('"resourceType"');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'conflict-in-words.png') });
    await expectAccessible(page, 'conflicts (a refused document)');

    await conflict.getByRole('button', { name: 'Garder la version de la plateforme' }).click();
    await page.getByText('Aucun conflit.').waitFor({ timeout: 30_000 });
  });
});
