import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../src-main/platform/seed/demo-accounts';
import { expectAccessible } from './support/accessibility';
import { SCREENSHOT_DIR } from './support/chromium';
import { useE2eSession } from './support/e2e-session';
import { loginAndFirstSync } from './support/login';
import { syncAndWait } from './support/sync';

// Issue 12, acceptance 3, as new users would: the GP registers the demo patient's case for next week's
// tumour board; the oncologist syncs, the platform stops, he reads the agenda and the dossier offline and
// drafts the proposal; online again he records it (the pathologist and the surgeon have confirmed), and
// publishes the minutes; the GP finds them in the patient's DSP.
const session = useE2eSession({ platform: 'demo', apps: ['gp', 'oncologist'] });
let gp: Page;
let oncologist: Page;
const QUESTION = 'Métastase surrénalienne isolée : traitement local ou systémique ?';

beforeAll(async () => {
  gp = await session.newPage();
  oncologist = await session.newPage();
});

describe('a tumour board in Chromium', () => {
  it('the GP registers his patient’s case from Mes patients', async () => {
    await loginAndFirstSync(gp, session.apps.gp.url, 'gp');
    await gp.getByRole('link', { name: 'Mes patients' }).click();
    await gp.getByTestId('patients').getByText('REUTER Jean').click();
    await gp.getByTestId('patient-banner').waitFor();
    await gp.getByRole('button', { name: 'Présenter en RCP' }).click();
    const form = gp.getByTestId('rcp-register-form');
    await form.getByLabel(/^Réunion/).click();
    await gp.getByRole('option', { name: /RCP oncologie thoracique/ }).click();
    await form.getByLabel(/^Question posée/).fill(QUESTION);
    await form.getByLabel(/^Diagnostic/).fill('Adénocarcinome pulmonaire, oligométastase surrénalienne');
    await form.getByLabel('T', { exact: true }).fill('cT2a');
    await form.getByLabel('N', { exact: true }).fill('cN1');
    await form.getByLabel('M', { exact: true }).fill('cM1b');
    await form.getByLabel('Stade', { exact: true }).fill('IVA');
    await expectAccessible(gp, 'RCP: register a case');
    await gp.screenshot({ path: join(SCREENSHOT_DIR, 'rcp-register-case.png') });
    await form.getByRole('button', { name: 'Inscrire le dossier' }).click();
    await gp.getByTestId('rcp-registered').waitFor();
    await syncAndWait(gp);
  });

  it('the oncologist reads the agenda and the dossier offline, confirms and drafts the proposal', async () => {
    const account = DEMO_ACCOUNTS.find((a) => a.identifier === 'demo.oncologist')!;
    await oncologist.goto(session.apps.oncologist.url);
    await oncologist.getByLabel('Identifiant').fill(account.identifier);
    await oncologist.getByLabel(/^Mot de passe/).fill(account.password);
    await oncologist.getByLabel('Code à usage unique').fill(account.otp);
    await oncologist.getByLabel('Phrase secrète de cet appareil').fill('une phrase secrète solide');
    await oncologist.getByRole('button', { name: 'Se connecter' }).click();
    await oncologist
      .getByTestId('sync-status')
      .getByText(/Dernière synchro : \d/)
      .waitFor({ timeout: 60_000 });

    await session.platform.stop();
    await syncAndWait(oncologist, 'Hors ligne');
    await oncologist.getByRole('link', { name: 'RCP' }).click();
    await oncologist
      .getByTestId('rcp-upcoming')
      .getByText(/RCP oncologie thoracique/)
      .click();
    const agenda = oncologist.getByTestId('rcp-agenda');
    await agenda.getByText(QUESTION).waitFor();
    await expect.poll(() => agenda.locator('tbody tr').count()).toBe(4);
    await expectAccessible(oncologist, 'RCP: meeting and agenda (offline)');
    await oncologist.screenshot({ path: join(SCREENSHOT_DIR, 'rcp-agenda-offline.png') });

    await oncologist.getByRole('button', { name: 'Je participe' }).click();
    await agenda.getByText(QUESTION).click();
    const dossier = oncologist.getByTestId('rcp-dossier');
    await dossier.getByText('Adénocarcinome pulmonaire, oligométastase surrénalienne').waitFor();
    await dossier.getByText('cT2a cN1 cM1b (IVA)').waitFor();
    const form = oncologist.getByTestId('rcp-proposal-form');
    await form
      .getByLabel(/^Proposition thérapeutique/)
      .fill('Surrénalectomie puis traitement systémique ; radiothérapie stéréotaxique du primitif.');
    await form.getByLabel(/^Alternatives discutées/).fill('Traitement systémique seul');
    await form.getByRole('button', { name: 'Enregistrer la proposition' }).click();
    await form.getByText('en attente d’envoi').waitFor();
    await expectAccessible(oncologist, 'RCP: dossier beside the proposal form (offline)');
    await oncologist.screenshot({ path: join(SCREENSHOT_DIR, 'rcp-proposal-offline.png') });

    await session.startPlatformAgain();
  });

  it('online again, the proposal is recorded and the minutes are published; the GP finds them in the DSP', async () => {
    await syncAndWait(oncologist);
    const form = oncologist.getByTestId('rcp-proposal-form');
    await form.getByText('enregistrée').waitFor({ timeout: 30_000 });
    await oncologist.getByTestId('rcp-quorum').getByText('Quorum atteint').waitFor();
    await oncologist.getByRole('button', { name: 'Aperçu du compte rendu' }).click();
    await oncologist.getByTestId('rcp-minutes-preview').getByTestId('pdf-canvas').waitFor();
    await expectAccessible(oncologist, 'RCP: minutes preview');
    await oncologist.screenshot({ path: join(SCREENSHOT_DIR, 'rcp-minutes-preview.png') });
    await oncologist.getByRole('button', { name: 'Publier dans les DSP' }).click();
    await oncologist.getByTestId('rcp-published').waitFor();
    await syncAndWait(oncologist);

    await syncAndWait(gp);
    await gp.getByRole('link', { name: 'Mes patients' }).click();
    await gp.getByTestId('patients').getByText('REUTER Jean').click();
    const timeline = gp.getByTestId('document-timeline');
    await expect.poll(() => timeline.getByText(/Compte rendu de RCP/).count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await timeline
      .getByText(/Compte rendu de RCP/)
      .first()
      .click();
    await gp.getByTestId('pdf-canvas').waitFor();
    await expectAccessible(gp, 'DSP: RCP minutes');
    await gp.screenshot({ path: join(SCREENSHOT_DIR, 'rcp-minutes-in-dsp.png') });
  });
});
