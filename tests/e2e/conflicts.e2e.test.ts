import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/accessibility';
import { SCREENSHOT_DIR } from './support/chromium';
import { demoPatientDoes } from './support/demo-patient';
import { useE2eSession } from './support/e2e-session';
import { loginAndFirstSync } from './support/login';

// Issue 15, item 6: a write the platform refused is shown as the clinical thing it is (which patient,
// which record, field by field), in Chromium, and passes the accessibility check.
const session = useE2eSession({ platform: 'demo' });
let page: Page;

beforeAll(async () => {
  page = await session.newPage();
  await loginAndFirstSync(page, session.apps.app.url, 'gp');
});

describe('a refused write on the conflicts screen', () => {
  it('names the patient and the record and lists the fields, not JSON', async () => {
    await page.getByRole('link', { name: 'Mes patients' }).click();
    await page.getByTestId('patients').getByText('REUTER Jean').click();
    await page.getByTestId('patient-banner').waitFor();
    // The patient revokes the GP's référent right on the platform, behind the GP's back.
    await demoPatientDoes(session.platform.url, [['revoke-referent', {}]]);

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
