import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoAccount } from '../../src-main/platform/seed/demo-accounts';
import { expectAccessible } from './support/accessibility';
import { SCREENSHOT_DIR } from './support/chromium';
import { useE2eSession } from './support/e2e-session';
import { loginAndFirstSync } from './support/login';

// Issue 15, acceptance 4: with the keyboard only, a GP logs in, opens a patient and sends a message; the
// frequent actions have shortcuts, listed in a help panel; the home screen shows the patient opened.
const session = useE2eSession({ platform: 'demo', apps: ['nurse', 'gp'] });
let page: Page;

/**
 * Presses Tab until `target` has the focus, as a keyboard user would; fails if 60 presses do not reach it
 * (an unreachable control, or a tab order that loops elsewhere).
 */
async function tabTo(target: Locator) {
  await target.waitFor();
  for (let presses = 0; presses < 60; presses++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target.toString()}`);
}

async function isFocused(target: Locator) {
  return target.evaluate((element) => element === document.activeElement);
}

beforeAll(async () => {
  // The nurse logs in first (not under test), which publishes the key the GP's message is encrypted to.
  await loginAndFirstSync(await session.newPage(), session.apps.nurse.url, 'nurse');
  page = await session.newPage();
});

describe('the keyboard alone', () => {
  it('logs in: every login field is reached with Tab, Enter submits', async () => {
    const gp = demoAccount('gp');
    await page.goto(session.apps.gp.url);
    await page.getByRole('form', { name: 'Connexion LuxTrust' }).waitFor();
    for (const [label, text] of [
      ['Identifiant', gp.identifier],
      [/^Mot de passe/, gp.password],
      ['Code à usage unique', gp.otp],
      ['Phrase secrète de cet appareil', 'une phrase secrète solide'],
    ] as const) {
      await tabTo(page.getByLabel(label));
      await page.keyboard.type(text);
    }
    await page.keyboard.press('Enter');
    await page
      .getByTestId('sync-status')
      .getByText(/Dernière synchro : \d/)
      .waitFor({ timeout: 60_000 });
    await expectAccessible(page, 'home (tiles)');
  });

  it('finds a patient with Alt+Shift+P and opens the DSP with Enter', async () => {
    await page.keyboard.press('Alt+Shift+KeyP');
    const find = page.getByLabel('Trouver un patient (nom ou matricule)');
    await expect.poll(() => isFocused(find)).toBe(true);
    await page.keyboard.type('Reuter');
    await expect.poll(() => page.getByTestId('patients').getByRole('row').count()).toBe(1);
    await expectAccessible(page, 'Mes patients (filtered)');
    await tabTo(page.getByTestId('patients').getByRole('row', { name: /REUTER Jean/ }));
    await page.keyboard.press('Enter');
    await page
      .getByTestId('patient-banner')
      .getByText(/REUTER Jean/)
      .waitFor();
    await page.getByTestId('document-timeline').locator('.mantine-Timeline-item').first().waitFor();
    await expectAccessible(page, 'DSP (opened with the keyboard)');
  });

  it('writes and sends a message with Alt+Shift+N, and syncs it with Alt+Shift+S', async () => {
    await page.keyboard.press('Alt+Shift+KeyN');
    const recipients = page.getByTestId('recipients');
    await expect.poll(() => isFocused(recipients)).toBe(true);
    await page.keyboard.type('Hoffmann');
    await page.getByRole('option', { name: /Marie Hoffmann/ }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByRole('form', { name: 'Nouveau message' }).getByText('Marie Hoffmann', { exact: true }).waitFor();
    await tabTo(page.getByLabel(/^Objet/));
    await page.keyboard.type('M. Reuter — passage demain');
    await tabTo(page.getByLabel('Message', { exact: true }));
    await page.keyboard.type('Bonjour, pouvez-vous passer chez M. Reuter demain matin ?');
    await expectAccessible(page, 'mailbox: compose (keyboard)');
    await tabTo(page.getByRole('button', { name: 'Envoyer' }));
    await page.keyboard.press('Enter');
    await page.getByTestId('message-list').getByText('M. Reuter — passage demain').waitFor();

    await page.keyboard.press('Alt+Shift+KeyS');
    await expect
      .poll(() => page.getByTestId('message-list').getByText('En attente d’envoi').count(), { timeout: 30_000 })
      .toBe(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'keyboard-message-sent.png') });
  });

  it('the home screen shows the patient just opened; "?" lists the shortcuts; Alt+Shift+L locks', async () => {
    await tabTo(page.getByRole('link', { name: 'Accueil' }));
    await page.keyboard.press('Enter');
    await page.getByTestId('tile-recent-patients').getByRole('link', { name: 'REUTER Jean' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'home-tiles.png') });
    await expectAccessible(page, 'home (recent patient)');

    // Focus is on the "Accueil" link, not in a text field: "?" is a shortcut there.
    await page.keyboard.press('Shift+Slash');
    const help = page.getByRole('dialog', { name: 'Raccourcis clavier' });
    await help.waitFor();
    for (const action of ['Trouver un patient', 'Nouveau message', 'Synchroniser maintenant', 'Verrouiller']) {
      expect(await help.getByRole('row', { name: new RegExp(action) }).count()).toBe(1);
    }
    await expectAccessible(page, 'shortcut help');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });

    await page.keyboard.press('Alt+Shift+KeyL');
    await page.getByRole('button', { name: 'Déverrouiller' }).waitFor();
    await expectAccessible(page, 'unlock');
  });
});
