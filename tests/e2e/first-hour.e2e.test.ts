import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/accessibility';
import { SCREENSHOT_DIR } from './support/chromium';
import { findNursesOfEttelbruck } from './support/directory';
import { useE2eSession } from './support/e2e-session';
import { loginAndFirstSync } from './support/login';

// Issue 15, acceptance 5, as a new user would: the app with its embedded platform (so the demo colleagues
// run), a first login as demo.gp, and what the first hour shows — a colleague's signed message on the
// home screen within one sync, "Mes patients" by name, the directory's filters and a message from a card.
const session = useE2eSession();
let page: Page;

beforeAll(async () => {
  page = await session.newPage();
});

describe('the first hour of a new GP, in Chromium', () => {
  it('after the first sync, the home screen shows a message from a colleague', async () => {
    await loginAndFirstSync(page, session.apps.app.url, 'gp');
    const messages = page.getByTestId('tile-messages');
    // The colleague writes once the GP's key is published, inside that first sync: no second sync is asked for.
    await messages.getByText('Marie Hoffmann — Visite de ce matin — suivi du pansement').waitFor();
    expect(await messages.getByText('1 message non lu').count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'first-hour-home-colleague-message.png') });
    await expectAccessible(page, 'home: first sync, a colleague’s message');
  });

  it('opening it shows a verified signature', async () => {
    await page.getByTestId('tile-messages').getByRole('link').first().click();
    await page.getByTestId('message-list').getByText('Visite de ce matin — suivi du pansement').click();
    await page.getByText('Signature vérifiée').waitFor();
    await page.getByText(/J’ai vu ce matin notre patiente commune/).waitFor();
    expect(await page.getByTestId('signature-warning').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'first-hour-colleague-message-signed.png') });
    await expectAccessible(page, 'mailbox: a colleague’s message, signature verified');
  });

  it('"Mes patients" lists patients by name, never by internal id', async () => {
    await page.getByRole('link', { name: 'Mes patients' }).click();
    const patients = page.getByTestId('patients');
    await patients.getByRole('row').nth(1).waitFor();
    const shown = (await patients.textContent()) ?? '';
    expect(shown).not.toMatch(/pat-\d/);
    expect(await patients.getByRole('row').count()).toBeGreaterThan(1);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'first-hour-my-patients.png') });
    await expectAccessible(page, 'Mes patients (by name)');
  });

  it('the seeded imaging report, whose PDF is a separate Binary, opens with its PDF', async () => {
    await page.getByTestId('patients').getByText('REUTER Jean').click();
    await page.getByTestId('document-timeline').getByRole('button', { name: "Compte rendu d'imagerie" }).click();
    await page.getByTestId('document-viewer').getByTestId('pdf-canvas').waitFor();
    expect(await page.getByTestId('content-unavailable').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'first-hour-imaging-report-pdf.png') });
    await expectAccessible(page, 'DSP: the imaging report with its PDF');
  });

  it('the directory finds the nurses of Ettelbruck with two filters, and a message starts from a card', async () => {
    const results = await findNursesOfEttelbruck(page);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'first-hour-directory-nurses-ettelbruck.png') });
    await expectAccessible(page, 'directory: nurses of Ettelbruck');

    await results.getByRole('button', { name: 'Marie Hoffmann' }).first().click();
    const card = page.getByTestId('practitioner-card');
    await card.getByText('Ettelbruck', { exact: false }).first().waitFor();
    await expectAccessible(page, 'directory: card');
    await card.getByRole('button', { name: 'Écrire un message' }).click();
    const compose = page.getByRole('form', { name: 'Nouveau message' });
    await compose.getByText('Marie Hoffmann', { exact: true }).waitFor();
    await page.getByLabel(/^Objet/).fill('Suivi du pansement');
    await page.getByLabel('Message', { exact: true }).fill('Merci, je passe la voir vendredi.');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'first-hour-compose-from-card.png') });
    await expectAccessible(page, 'mailbox: compose from a directory card');
    await page.getByRole('button', { name: 'Envoyer' }).click();
    await page.getByTestId('message-list').getByText('Suivi du pansement').waitFor();
  });

  it('the colleague answers the message at the next sync', async () => {
    await page.getByRole('button', { name: 'Synchroniser' }).click();
    await page.getByText('Boîte de réception', { exact: true }).click();
    await page.getByTestId('message-list').getByText('Re : Suivi du pansement').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'first-hour-colleague-answer.png') });
    await expectAccessible(page, 'mailbox: the colleague’s answer');
  });
});
