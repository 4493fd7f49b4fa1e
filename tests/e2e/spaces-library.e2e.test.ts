import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/accessibility';
import { SCREENSHOT_DIR } from './support/chromium';
import { useE2eSession } from './support/e2e-session';
import { loginAndFirstSync } from './support/login';
import { syncAndWait } from './support/sync';

// Issue 13, acceptance 3, as a new user would: the nurse creates a space, invites the GP and shares a
// PDF; the GP accepts, sees the unread badge and the file; a library search for "vaccination" opens a
// PDF, which opens again with the platform stopped.
const session = useE2eSession({ platform: 'none', apps: ['nurse', 'gp'] });
let nursePage: Page;
let gpPage: Page;
const SPACE = 'Soins de plaies — Nordstad';

async function carePlanPdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([400, 200]);
  page.drawText('Plan de soins - plaie de jambe', {
    x: 30,
    y: 150,
    size: 14,
    font: await pdf.embedFont(StandardFonts.Helvetica),
  });
  return Buffer.from(await pdf.save());
}

beforeAll(async () => {
  nursePage = await session.newPage();
  gpPage = await session.newPage();
});

describe('spaces and library in Chromium', () => {
  it('the nurse creates a space and invites the GP', async () => {
    await loginAndFirstSync(gpPage, session.apps.gp.url, 'gp');
    await loginAndFirstSync(nursePage, session.apps.nurse.url, 'nurse');
    await syncAndWait(gpPage);
    await syncAndWait(nursePage);
    await nursePage.getByRole('link', { name: /Espaces/ }).click();
    await nursePage.getByRole('button', { name: 'Nouvel espace' }).click();
    await nursePage.getByLabel('Nom de l’espace').fill(SPACE);
    await nursePage.getByTestId('space-invitees').click();
    await nursePage.keyboard.type('Weber');
    await nursePage.getByRole('option', { name: /Dr Claude Weber/ }).click();
    await nursePage.keyboard.press('Escape'); // closes the list of suggestions
    await nursePage.getByRole('button', { name: 'Créer l’espace' }).click();
    await nursePage.getByTestId('space-encryption-notice').waitFor();
    await expectAccessible(nursePage, 'spaces: new space');
    await nursePage.screenshot({ path: join(SCREENSHOT_DIR, 'space-created.png') });
    await syncAndWait(nursePage);
  });

  it('the GP sees the invitation and accepts it', async () => {
    await syncAndWait(gpPage);
    await gpPage.getByTestId('spaces-unread-badge').waitFor({ timeout: 30_000 });
    await gpPage.getByRole('link', { name: /Espaces/ }).click();
    await gpPage.getByTestId('space-item').filter({ hasText: SPACE }).click();
    const invitation = gpPage.getByTestId('space-invitation');
    await invitation.getByText(/ne pourrez pas lire ce qui a été publié avant votre arrivée/).waitFor();
    await expectAccessible(gpPage, 'spaces: invitation');
    await gpPage.screenshot({ path: join(SCREENSHOT_DIR, 'space-invitation.png') });
    await invitation.getByRole('button', { name: 'Accepter' }).click();
    await syncAndWait(gpPage);
    await syncAndWait(nursePage); // the nurse's device now knows the GP is a member
  });

  it('the nurse shares a PDF; the GP sees the unread badge and the file, and opens it', async () => {
    await nursePage.getByRole('tab', { name: 'Fichiers' }).click();
    await nursePage
      .locator('input[type="file"]')
      .setInputFiles({ name: 'plan-de-soins.pdf', mimeType: 'application/pdf', buffer: await carePlanPdf() });
    await nursePage.getByRole('button', { name: 'Partager le fichier' }).click();
    await nursePage.getByTestId('space-files').getByText('plan-de-soins.pdf').waitFor();
    await syncAndWait(nursePage);
    await nursePage.screenshot({ path: join(SCREENSHOT_DIR, 'space-file-shared.png') });

    await syncAndWait(gpPage);
    await gpPage.getByTestId('spaces-unread-badge').getByText('1').waitFor({ timeout: 30_000 });
    await gpPage.getByTestId('space-item').filter({ hasText: SPACE }).getByTestId('space-unread').waitFor();
    await gpPage.getByTestId('space-item').filter({ hasText: SPACE }).click();
    await gpPage.getByRole('tab', { name: 'Fichiers' }).click();
    const row = gpPage.getByTestId('space-file').filter({ hasText: 'plan-de-soins.pdf' });
    await row.getByText('Nouveau').waitFor();
    await gpPage.screenshot({ path: join(SCREENSHOT_DIR, 'space-gp-unread-file.png') });
    await expectAccessible(gpPage, 'spaces: files with an unread file');
    await row.getByRole('button', { name: 'Ouvrir' }).click();
    await gpPage.getByTestId('space-file-viewer').getByTestId('pdf-canvas').waitFor({ timeout: 30_000 });
    await gpPage.screenshot({ path: join(SCREENSHOT_DIR, 'space-gp-opens-file.png') });
  });

  it('a library search for "vaccination" opens a PDF, which opens again with the platform stopped', async () => {
    await gpPage.getByRole('link', { name: 'Bibliothèque' }).click();
    await gpPage.getByLabel(/Rechercher dans les titres/).fill('vaccination');
    await gpPage.getByRole('button', { name: 'Rechercher', exact: true }).click();
    const card = gpPage.getByTestId('library-document').filter({ hasText: 'Vaccination contre la grippe saisonnière' });
    await card.getByRole('button', { name: 'Ouvrir' }).click();
    await gpPage.getByTestId('library-viewer').getByTestId('pdf-canvas').waitFor({ timeout: 30_000 });
    await expectAccessible(gpPage, 'library: search and viewer');
    await gpPage.screenshot({ path: join(SCREENSHOT_DIR, 'library-vaccination.png') });

    await session.platform.stop();
    await syncAndWait(gpPage, 'Hors ligne');
    await gpPage.getByTestId('library-viewer').getByRole('button', { name: 'Fermer' }).click();
    await gpPage.getByRole('button', { name: 'Rechercher', exact: true }).click();
    const offlineCard = gpPage.getByTestId('library-document').filter({ hasText: 'Vaccination contre la grippe saisonnière' });
    await offlineCard.getByText('Disponible hors ligne').waitFor({ timeout: 30_000 });
    await offlineCard.getByRole('button', { name: 'Ouvrir' }).click();
    await gpPage.getByTestId('library-viewer').getByTestId('pdf-canvas').waitFor({ timeout: 30_000 });
    expect(await gpPage.getByTestId('library-viewer').getByRole('alert').count()).toBe(0);
    await gpPage.screenshot({ path: join(SCREENSHOT_DIR, 'library-offline-reopen.png') });
    await expectAccessible(gpPage, 'library: offline reopen');
  });
});
