import { join } from 'node:path';
import type { Binary, CarePlan, Condition, MedicationRequest, Observation, Appointment } from 'fhir/r4';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../src-main/core/platform-client';
import { demoAccount } from '../../src-main/platform/seed/demo-accounts';
import { addDays, instantAt, localDateOf } from '../../src-shared/domain/care';
import { expectAccessible } from './support/accessibility';
import { SCREENSHOT_DIR } from './support/chromium';
import { useE2eSession } from './support/e2e-session';
import { loginAndFirstSync } from './support/login';
import { syncAndWait, syncUntilNothingPending } from './support/sync';

// Issue 11, acceptance 4: the nurse prepares tomorrow's round (every patient turns ready), the platform stops, she
// records vital signs, a refused dose with its reason and a wound photo, the chart shows the new point; the
// platform restarts, she syncs, nothing is pending; her colleague of the care team sees the values after his sync.
let page: Page;

const PATIENT = 'demo-patient';
const TOMORROW = addDays(localDateOf(new Date()), 1);
/** A 1×1 PNG: the wound photo. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** What the patient's care team already documented (written by the GP, who is on the demo patient's care team). */
async function documentPatient(url: string): Promise<void> {
  const gp = demoAccount('gp');
  const client = new PlatformClient({ fhirBaseUrl: url, timeoutMs: 20_000 });
  await client.login(gp.identifier, gp.password, gp.otp);
  const subject = { reference: `Patient/${PATIENT}` };
  const put = (resource: MedicationRequest | CarePlan | Appointment | Condition | Binary | Observation) =>
    client.write({
      method: 'PUT',
      url: `${resource.resourceType}/${resource.id}`,
      body: resource,
      ifMatch: null,
      opId: `e2e-${resource.id}`,
    });
  await put({
    resourceType: 'MedicationRequest',
    id: 'e2e-paracetamol',
    status: 'active',
    intent: 'order',
    subject,
    medicationCodeableConcept: { text: 'Paracétamol 1 g' },
    authoredOn: instantAt(addDays(TOMORROW, -3), '00:00').toISOString(),
    // Every hour, so whatever the hour of the test, the current shift has a dose to record.
    dosageInstruction: [
      {
        text: '1 comprimé',
        timing: {
          repeat: {
            frequency: 1,
            period: 1,
            periodUnit: 'h',
            boundsPeriod: { start: instantAt(addDays(TOMORROW, -3), '00:00').toISOString() },
          },
        },
      },
    ],
  });
  await put({
    resourceType: 'CarePlan',
    id: 'e2e-careplan',
    status: 'active',
    intent: 'plan',
    title: 'Soins à domicile',
    description: 'Pansement, surveillance',
    subject,
  });
  await put({
    resourceType: 'Appointment',
    id: 'e2e-visit',
    status: 'booked',
    description: 'Pansement et constantes',
    start: instantAt(TOMORROW, '09:00').toISOString(),
    end: instantAt(TOMORROW, '09:30').toISOString(),
    participant: [
      { actor: subject, status: 'accepted' },
      { actor: { reference: 'Practitioner/demo-nurse' }, status: 'accepted' },
    ],
  });
  await put({
    resourceType: 'Condition',
    id: 'e2e-wound',
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    category: [{ coding: [{ system: 'https://esante.lu/fhir/CodeSystem/care-record', code: 'wound', display: 'Wound' }] }],
    code: { text: 'Ulcère veineux' },
    bodySite: [{ text: 'Jambe gauche' }],
    subject,
  });
  await put({
    resourceType: 'Binary',
    id: 'e2e-wound-photo',
    contentType: 'image/png',
    data: PNG.toString('base64'),
    securityContext: subject,
  });
  await put({
    resourceType: 'Observation',
    id: 'e2e-wound-assessment',
    status: 'final',
    code: { coding: [{ system: 'https://esante.lu/fhir/CodeSystem/care-record', code: 'wound-assessment' }] },
    subject,
    focus: [{ reference: 'Condition/e2e-wound' }],
    effectiveDateTime: instantAt(addDays(TOMORROW, -2), '10:00').toISOString(),
    derivedFrom: [{ reference: 'Binary/e2e-wound-photo' }],
  });
}

const session = useE2eSession({
  platform: 'demo',
  preparePlatform: (platform) => documentPatient(platform.url),
  apps: ['nurse'],
});

beforeAll(async () => {
  page = await session.newPage();
});

describe('the home-care round, offline', () => {
  it('prepares tomorrow’s round: every patient turns ready, with the size on disk', async () => {
    await loginAndFirstSync(page, session.apps.nurse.url, 'nurse');
    await page.getByRole('navigation').getByRole('link', { name: 'Ma tournée' }).click();
    await page.getByTestId('visits').getByText('Pansement et constantes').waitFor();
    await page.getByRole('button', { name: 'Préparer hors ligne' }).click();
    await page.getByText('Tous les patients de la tournée sont prêts hors ligne.').waitFor({ timeout: 60_000 });
    const readiness = page.getByTestId('readiness');
    expect(await readiness.count()).toBeGreaterThan(0);
    for (const line of await readiness.all()) expect(await line.getAttribute('data-ready')).toBe('true');
    await expect.poll(() => readiness.first().textContent()).toMatch(/(Ko|Mo) sur cet appareil/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'care-round-prepared.png') });
    await expectAccessible(page, 'Ma tournée (prepared)');
  });

  it('offline, records vital signs and the chart shows the new point', async () => {
    await session.platform.stop();
    await syncAndWait(page, 'Hors ligne');
    await page.getByRole('link', { name: 'Ouvrir le dossier' }).first().click();
    await page.getByTestId('patient-banner').waitFor();
    await page.getByLabel(/^Température/).fill('38,6');
    await page.getByLabel(/^Pouls/).fill('92');
    await page.getByLabel(/^Pouls/).press('Enter');
    await page.getByText('Constantes enregistrées.').waitFor();
    await page
      .getByTestId('vital-points')
      .getByText(/38\.6 °C — Élevé \(En attente d’envoi\)/)
      .waitFor({ state: 'attached' });
    await page.getByTestId('pending-count').waitFor();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'care-chart-offline-vitals.png') });
    await expectAccessible(page, 'patient chart (offline, pending vitals)');
  });

  it('offline, adds a wound assessment with its photo', async () => {
    const wounds = page.getByTestId('wounds');
    await wounds.getByRole('button', { name: 'Nouvelle évaluation' }).click();
    const form = page.getByTestId('wound-form');
    await form.getByLabel('Longueur (cm)').fill('3,5');
    await form.locator('input[type=file]').setInputFiles({ name: 'plaie.png', mimeType: 'image/png', buffer: PNG });
    await form.getByRole('button', { name: 'Enregistrer l’évaluation' }).click();
    await wounds.getByText('3.5 × – × – cm').waitFor();
    await expect.poll(() => wounds.getByRole('img').count()).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'care-wound-photo-offline.png') });
    await expectAccessible(page, 'patient chart (wound photo)');
  });

  it('offline, records a refused dose with its reason on the medication round', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Tournée de médicaments' }).click();
    const round = page.getByTestId('round');
    await round.waitFor();
    const row = round.locator('tr[data-state="due"], tr[data-state="overdue"]').filter({ hasText: 'Paracétamol 1 g' }).first();
    await row.getByRole('button', { name: 'Enregistrer' }).click();
    const form = page.getByTestId('dose-form');
    await form.getByLabel('État').selectOption({ label: 'Refusée' });
    await form.getByLabel('Motif', { exact: true }).selectOption({ label: 'Refus du patient' });
    await form.getByRole('button', { name: 'Valider' }).click();
    await round.locator('tr[data-state="refused"]').filter({ hasText: 'Refus du patient' }).first().waitFor();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'care-medication-round-refused.png') });
    await expectAccessible(page, 'medication round (refused dose)');
  });

  it('once the platform is back, one sync leaves nothing pending', async () => {
    await session.startPlatformAgain();
    await syncUntilNothingPending(page);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'care-synced.png') });
  });

  it('her colleague of the care team sees the values after his sync', async () => {
    const colleagueApp = await session.startApp();
    const colleague = await session.newPage();
    await loginAndFirstSync(colleague, colleagueApp.url, 'gp');
    await colleague.getByRole('navigation').getByRole('link', { name: 'Soins', exact: true }).click();
    await colleague.getByTestId('care-patients').getByRole('row').filter({ hasText: 'REUTER' }).click();
    // The temperature chart (the default) lists every value of the last 30 days, the nurse's among them
    // (the seeded record has later values of the same day, so it need not be the latest).
    await colleague.getByTestId('patient-banner').waitFor({ timeout: 30_000 });
    await colleague
      .getByTestId('vital-points')
      .getByText(/38\.6 °C — Élevé/)
      .waitFor({ state: 'attached', timeout: 30_000 });
    await colleague.screenshot({ path: join(SCREENSHOT_DIR, 'care-colleague-sees-values.png') });
    await expectAccessible(colleague, 'patient chart (colleague)');
  });
});
