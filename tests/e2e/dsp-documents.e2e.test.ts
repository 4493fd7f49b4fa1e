import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoAccount } from '../../src-main/platform/seed/demo-accounts';
import { expectAccessible } from './support/accessibility';
import { SCREENSHOT_DIR } from './support/chromium';
import { useE2eSession } from './support/e2e-session';
import { demoPatientDoes } from './support/demo-patient';
import { loginAndFirstSync } from './support/login';
import { syncAndWait } from './support/sync';

// Issue 5, acceptance 3: a GP opens a patient's DSP, adds a PDF and sees it in the timeline, rendered
// in the app; offline, another document waits as pending and syncs once the platform is back; the
// patient (simulator panel) removes the GP from the trust circle, and after sync the DSP is gone from
// the GP's screens but for the documents he wrote himself.
const session = useE2eSession({
  platform: 'demo',
  // The patient makes the GP a trust-circle member instead of référent (so that removing him is the test).
  preparePlatform: (platform) =>
    demoPatientDoes(platform.url, [
      ['revoke-referent', {}],
      ['add-to-trust-circle', { practitioner: 'Practitioner/demo-gp', restricted: false }],
    ]),
  appArgs: ['--simulator'],
});
let page: Page;
// Documents other professionals wrote (the GP must lose them with his right) and his own.
let othersBefore = 0;
let mineBefore = 0;

/** A one-page PDF written by hand: enough for pdf.js to render real text. */
function tinyPdf(text: string): Buffer {
  const stream = `BT /F1 24 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

beforeAll(async () => {
  page = await session.newPage();
});

async function addDocument(title: string, pdf: Buffer) {
  await page.getByRole('button', { name: 'Ajouter un document' }).click();
  await expectAccessible(page, 'DSP: new document form');
  await page.getByLabel(/^Titre/).fill(title);
  await page.locator('input[type="file"]').setInputFiles({ name: `${title}.pdf`, mimeType: 'application/pdf', buffer: pdf });
  await page.getByRole('button', { name: 'Enregistrer' }).click();
}

describe('a GP and a patient’s DSP in Chromium', () => {
  it('opens the DSP of a patient found in the directory and adds a PDF, rendered in the app', async () => {
    await loginAndFirstSync(page, session.apps.app.url, 'gp');

    await page.getByRole('link', { name: 'Mes patients' }).click();
    await page.getByTestId('patients').getByText('Cercle de confiance').waitFor();
    await expectAccessible(page, 'Mes patients');
    await page.getByTestId('patients').getByText('REUTER Jean').click();
    await page.getByTestId('patient-banner').waitFor();
    await page.getByTestId('document-timeline').locator('.mantine-Timeline-item').first().waitFor();
    othersBefore = await page.getByTestId('document-timeline').locator('[data-mine="false"]').count();
    mineBefore = await page.getByTestId('document-timeline').locator('[data-mine="true"]').count();
    expect(othersBefore).toBeGreaterThan(0);
    await expectAccessible(page, 'DSP timeline');
    // Issue 15, acceptance 5: the date filters read and display dates the French way.
    const filters = page.getByRole('search', { name: 'Filtres' });
    expect(await filters.getByLabel('Du').getAttribute('placeholder')).toBe('jj/mm/aaaa');
    await filters.getByLabel('Du').fill('01/01/2999');
    await filters.getByLabel('Du').press('Enter');
    await page.getByText('Aucun document.').waitFor();
    expect(await filters.getByLabel('Du').inputValue()).toBe('01/01/2999');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dsp-date-filter-fr.png') });
    await filters.getByRole('button', { name: 'Effacer la date' }).click();
    await page.getByTestId('document-timeline').locator('.mantine-Timeline-item').first().waitFor();
    // … and the German way once the interface is in German (then back to French for what follows).
    await page.getByText('DE', { exact: true }).click();
    const filter = page.getByRole('search', { name: 'Filter' });
    expect(await filter.getByLabel('Von').getAttribute('placeholder')).toBe('TT.MM.JJJJ');
    await filter.getByLabel('Von').fill('01.01.2999');
    await filter.getByLabel('Von').press('Enter');
    await page.getByText('Keine Dokumente.').waitFor();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dsp-date-filter-de.png') });
    await expectAccessible(page, 'DSP timeline (German, date filter)');
    await filter.getByRole('button', { name: 'Datum löschen' }).click();
    await page.getByText('FR', { exact: true }).click();
    await page.getByTestId('document-timeline').locator('.mantine-Timeline-item').first().waitFor();

    await addDocument('Bilan cardiologique', tinyPdf('Bilan cardiologique normal'));
    const timeline = page.getByTestId('document-timeline');
    await timeline.getByText('Bilan cardiologique').waitFor();
    await page.getByRole('button', { name: 'Synchroniser' }).click();
    await expect.poll(() => timeline.getByTestId('pending-document').count(), { timeout: 30_000 }).toBe(0);
    await timeline.getByText('Bilan cardiologique').click();
    await page.getByTestId('pdf-canvas').waitFor();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dsp-pdf-added.png') });
    await expectAccessible(page, 'DSP: PDF document open');
  });

  it('offline, a new document waits as pending, and syncs when the platform is back', async () => {
    await session.platform.stop();
    await syncAndWait(page, 'Hors ligne');
    await addDocument('Compte rendu de visite', tinyPdf('Visite a domicile'));
    const timeline = page.getByTestId('document-timeline');
    await timeline.getByText('Compte rendu de visite').waitFor();
    expect(await timeline.getByTestId('pending-document').count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dsp-pending-offline.png') });
    await expectAccessible(page, 'DSP offline, pending document');

    await session.startPlatformAgain();
    await syncAndWait(page);
    await expect.poll(() => timeline.getByTestId('pending-document').count(), { timeout: 30_000 }).toBe(0);
  });

  it('removed from the trust circle by the patient, the GP keeps only the documents he wrote himself', async () => {
    await page.getByRole('link', { name: 'Simulateur patient' }).click();
    await page.getByLabel(/^Mot de passe/).fill(demoAccount('patient').password);
    await page.getByLabel('Code à usage unique').fill(demoAccount('patient').otp);
    await expectAccessible(page, 'patient simulator (login)');
    await page.getByRole('button', { name: 'Se connecter comme patient' }).click();
    await page.getByTestId('rights').getByText('Practitioner/demo-gp').waitFor();
    await page.getByLabel('Professionnel (Practitioner/…)').fill('Practitioner/demo-gp');
    await page.getByRole('button', { name: 'Retirer du cercle' }).click();
    await expect.poll(() => page.getByTestId('rights').getByText('Practitioner/demo-gp').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dsp-simulator-removed.png') });
    await expectAccessible(page, 'patient simulator (rights)');

    await syncAndWait(page);
    await page.getByRole('link', { name: 'Mes patients' }).click();
    const reuter = page.getByTestId('patients').getByRole('row', { name: /REUTER Jean/ });
    await reuter.getByText('Auteur de documents').waitFor();
    await expectAccessible(page, 'Mes patients after revocation');
    expect(await reuter.getByText('Cercle de confiance').count()).toBe(0);
    await page.getByTestId('patients').getByText('REUTER Jean').click();
    const timeline = page.getByTestId('document-timeline');
    await timeline.getByText('Bilan cardiologique').waitFor();
    await timeline.getByText('Compte rendu de visite').waitFor();
    // The timeline may first show the list cached before the revocation, then the refetched one.
    await expect.poll(() => timeline.locator('[data-mine="false"]').count()).toBe(0);
    expect(await timeline.locator('[data-mine="true"]').count()).toBe(mineBefore + 2);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dsp-after-revocation.png') });
    await expectAccessible(page, 'DSP after revocation');
  });
});
