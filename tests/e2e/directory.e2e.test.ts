import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/accessibility';
import { SCREENSHOT_DIR } from './support/chromium';
import { findNursesOfEttelbruck } from './support/directory';
import { useE2eSession } from './support/e2e-session';
import { loginAndFirstSync } from './support/login';

// Issue 15, acceptance 5: the directory finds the nurses of Ettelbruck with two filters, opens a card
// (address, organisation, roles, key fingerprint), and a message starts from the card.
const session = useE2eSession({ platform: 'demo', apps: ['nurse', 'gp'] });
let page: Page;

beforeAll(async () => {
  // The nurse logs in once (publishes her messaging key), then the GP.
  await loginAndFirstSync(await session.newPage(), session.apps.nurse.url, 'nurse');
  page = await session.newPage();
  await loginAndFirstSync(page, session.apps.gp.url, 'gp');
});

describe('the professional directory in Chromium', () => {
  it('finds the nurses of Ettelbruck with two filters', async () => {
    await findNursesOfEttelbruck(page);
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
