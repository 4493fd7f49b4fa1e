import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/accessibility';
import { SCREENSHOT_DIR } from './support/chromium';
import { useE2eSession } from './support/e2e-session';
import { loginAndFirstSync } from './support/login';
import { syncAndWait } from './support/sync';

// Issue 6, acceptance 4: a nurse, offline, writes to a GP with a PDF attached (shown as pending); online
// again it is delivered; the GP reads it and opens the attachment; the nurse sees "read".
const session = useE2eSession({ platform: 'none', apps: ['nurse', 'gp'] });
let nursePage: Page;
let gpPage: Page;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

beforeAll(async () => {
  nursePage = await session.newPage();
  gpPage = await session.newPage({ acceptDownloads: true });
});

describe('secure messaging in Chromium', () => {
  it('both professionals log in once online, which publishes their keys', async () => {
    await loginAndFirstSync(gpPage, session.apps.gp.url, 'gp');
    await loginAndFirstSync(nursePage, session.apps.nurse.url, 'nurse');
    await syncAndWait(gpPage);
    await syncAndWait(nursePage); // the nurse's cache now holds the GP's published key
    await nursePage.getByRole('link', { name: 'Messagerie' }).click();
    await nursePage.getByTestId('fingerprint').waitFor();
    expect(await nursePage.getByTestId('fingerprint').textContent()).toMatch(/([0-9A-F]{4} ){9}[0-9A-F]{4}/);
    await expectAccessible(nursePage, 'mailbox (empty inbox)');
  });

  it('offline, the nurse writes to the GP with a PDF; the message waits as pending', async () => {
    await session.platform.stop();
    await syncAndWait(nursePage, 'Hors ligne');

    await nursePage.getByRole('button', { name: 'Nouveau message' }).click();
    await expectAccessible(nursePage, 'mailbox: compose');
    await nursePage.getByTestId('recipients').click();
    await nursePage.keyboard.type('Weber');
    await nursePage.getByRole('option', { name: /Dr Claude Weber/ }).click();
    await nursePage.getByLabel(/^Objet/).fill('Mme Reuter — pansement');
    await nursePage.getByLabel('Message', { exact: true }).fill('Bonjour Docteur, compte rendu de visite en pièce jointe.');
    await nursePage
      .locator('input[type="file"]')
      .setInputFiles({ name: 'compte-rendu.pdf', mimeType: 'application/pdf', buffer: PDF });
    await nursePage.getByRole('button', { name: 'Envoyer' }).click();
    await nursePage.getByText('Message chiffré : il partira dès que la plateforme sera joignable.').waitFor();
    await nursePage.getByTestId('message-list').getByText('En attente d’envoi').waitFor();
    expect(await nursePage.getByTestId('pending-count').textContent()).toMatch(/en attente/);
    await nursePage.screenshot({ path: join(SCREENSHOT_DIR, 'mail-offline-pending.png') });
    await expectAccessible(nursePage, 'mailbox: sent, pending (offline)');
  });

  it('online again, the message is delivered, the GP reads it and opens the attachment, the nurse sees "read"', async () => {
    await session.startPlatformAgain();
    await syncAndWait(nursePage);
    await syncAndWait(gpPage);

    await gpPage.getByRole('link', { name: /Messagerie/ }).click();
    await gpPage.getByTestId('message-list').getByText('Mme Reuter — pansement').click();
    const reader = gpPage.getByTestId('message-reader');
    await reader.getByText('Signature vérifiée').waitFor();
    await reader.getByText('Bonjour Docteur, compte rendu de visite en pièce jointe.').waitFor();
    const download = gpPage.waitForEvent('download');
    await reader.getByRole('button', { name: 'Enregistrer' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('compte-rendu.pdf');
    const saved = await file.path();
    expect((await import('node:fs')).readFileSync(saved!).equals(PDF)).toBe(true);
    await gpPage.screenshot({ path: join(SCREENSHOT_DIR, 'mail-gp-reads.png') });
    await expectAccessible(gpPage, 'mailbox: message open');

    await syncAndWait(gpPage); // sends the "read" receipt
    await syncAndWait(nursePage);
    await nursePage.getByTestId('message-list').getByText('Lu').waitFor({ timeout: 30_000 });
    await nursePage.screenshot({ path: join(SCREENSHOT_DIR, 'mail-nurse-sees-read.png') });
    await expectAccessible(nursePage, 'mailbox: sent, read');
  });
});
