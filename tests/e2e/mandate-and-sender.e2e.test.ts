import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../fixtures/test-platform';
import { expectAccessible } from './support/accessibility';
import { startApp, type RunningApp } from './support/app-process';
import { launchChromium, SCREENSHOT_DIR } from './support/chromium';
import { loginAndFirstSync } from './support/login';

// Issue 9, acceptance 5, as a new user would in the browser shell: the secretary opens "Mes patients"
// and reads why she has no DSP access; the GP receives mail from the nurse and sees, beside her name,
// her directory identifier and the fingerprint of the key that signed.
let platform: TestPlatform;
let secretaryApp: RunningApp;
let nurseApp: RunningApp;
let gpApp: RunningApp;
let browser: Browser;

async function syncAndWait(page: Page) {
  await page.getByRole('button', { name: 'Synchroniser' }).click();
  await page.getByTestId('connectivity').getByText('En ligne').waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  platform = await startTestPlatform({ seed: 'none' });
  secretaryApp = await startApp({ args: ['--platform-url', platform.url] });
  nurseApp = await startApp({ args: ['--platform-url', platform.url] });
  gpApp = await startApp({ args: ['--platform-url', platform.url] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await secretaryApp?.stop();
  await nurseApp?.stop();
  await gpApp?.stop();
  await platform?.stop();
});

describe('issue 9 in Chromium', () => {
  it('the secretary opens "Mes patients" and reads why she has no DSP access', async () => {
    const page = await browser.newPage();
    await loginAndFirstSync(page, secretaryApp.url, 'secretary');
    await expectAccessible(page, 'home (secretary)');
    await page.getByRole('link', { name: 'Mes patients' }).click();
    const reason = page.getByTestId('no-care-mandate');
    await reason.waitFor();
    expect(await reason.textContent()).toContain('Votre rôle n’a pas de mandat de soins');
    expect(await page.getByTestId('patients').count()).toBe(0);
    expect(await page.getByText('Aucun dossier accessible sur cet appareil pour l’instant.').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'secretary-no-care-mandate.png') });
    await expectAccessible(page, 'Mes patients (secretary, no care mandate)');
  });

  it("the GP receives the nurse's mail and sees her identifier and her key's fingerprint beside her name", async () => {
    const nurse = await browser.newPage();
    const gp = await browser.newPage();
    await loginAndFirstSync(gp, gpApp.url, 'gp');
    await loginAndFirstSync(nurse, nurseApp.url, 'nurse');
    await syncAndWait(gp);
    await syncAndWait(nurse); // the nurse's cache now holds the GP's published key

    await nurse.getByRole('link', { name: 'Messagerie' }).click();
    const ownFingerprint = nurse.getByTestId('fingerprint');
    await ownFingerprint.waitFor();
    const nurseFingerprint = /(([0-9A-F]{4} ){9}[0-9A-F]{4})/.exec((await ownFingerprint.textContent()) ?? '')?.[1];
    expect(nurseFingerprint).toBeDefined();
    await nurse.getByRole('button', { name: 'Nouveau message' }).click();
    await nurse.getByTestId('recipients').click();
    await nurse.keyboard.type('Weber');
    await nurse.getByRole('option', { name: /Dr Claude Weber/ }).click();
    await nurse.getByLabel(/^Objet/).fill('M. Thill — glycémies');
    await nurse
      .getByLabel('Message', { exact: true })
      .fill('Bonjour Docteur, glycémies du matin entre 1,8 et 2,1 g/l cette semaine.');
    await nurse.getByRole('button', { name: 'Envoyer' }).click();
    await expectAccessible(nurse, 'mailbox: sent (nurse)');
    await syncAndWait(nurse);
    await syncAndWait(gp);

    await gp.getByRole('link', { name: /Messagerie/ }).click();
    await gp.getByTestId('message-list').getByText('M. Thill — glycémies').click();
    const reader = gp.getByTestId('message-reader');
    await reader.getByText('Signature vérifiée').waitFor();
    expect(await reader.getByTestId('sender-identity').textContent()).toMatch(/Hoffmann.*\(identifiant annuaire : PDEMONURSE\)/);
    expect(await reader.getByTestId('signer-fingerprint').textContent()).toBe(
      `Empreinte de la clé de signature : ${nurseFingerprint}`,
    );
    await gp.screenshot({ path: join(SCREENSHOT_DIR, 'gp-sees-nurse-identifier-and-fingerprint.png') });
    await expectAccessible(gp, 'mailbox: message from the nurse (GP)');
  });
});
