/**
 * Issue 14, acceptance 4, in Chromium: two nurses of one home-care service, each with her own app
 * (`npm start -- --browser --platform-url …`, a data directory each) on her own platform instance, both
 * instances `npm run platform -- --storage postgres://…` on one database. Both edit the demo patient's care plan
 * from the same version; the second nurse is offline when she does (her instance is down, then started again).
 * The first edit is applied; the second comes back as a 412 and waits on the conflicts screen with both versions
 * in words, as on SQLite (tests/e2e/conflicts.e2e.test.ts). She keeps hers; both instances then serve it.
 *
 * Every step waits on what the screen or a process says (a badge, a row, a listening line), never on a timer.
 * Runs in the `e2e-postgres` vitest project, which starts the throw-away PostgreSQL cluster (vitest.config.ts).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, demoAccount, type DemoAccount } from '../../../src-main/platform/seed/demo-accounts';
import type { PlatformProcess } from '../../fixtures/platform-process';
import { httpRequest } from '../../integration/platform/platform-harness';
import { startTwoInstanceProcesses } from '../../integration/postgres/two-instances-harness';
import { expectAccessible } from '../support/accessibility';
import type { RunningApp } from '../support/app-process';
import { SCREENSHOT_DIR } from '../support/chromium';
import { useE2eSession } from '../support/e2e-session';
import { loginAndFirstSync } from '../support/login';
import { syncAndWait, syncUntilNothingPending } from '../support/sync';

const CARE_PLAN = 'careplan-demo-patient';
const FIRST_EDIT = 'Pansement matin et soir, surveillance de la cicatrice';
const SECOND_EDIT = 'Pansement un jour sur deux, réfection si souillé';
const NURSE = demoAccount('nurse');
const COLLEAGUE = DEMO_ACCOUNTS.find((account) => account.identifier === 'demo.nurse2')!;

// The platforms are the two instances, not a session's test platform: the apps are started on them here.
const session = useE2eSession({ apps: [] });
let instances: Awaited<ReturnType<typeof startTwoInstanceProcesses>>;
let a: PlatformProcess;
let b: PlatformProcess;
let nurseApp: RunningApp;
let colleagueApp: RunningApp;
let nurse: Page;
let colleague: Page;

const platformUrl = (instance: PlatformProcess) => `http://127.0.0.1:${instance.port}/fhir`;

beforeAll(async () => {
  instances = await startTwoInstanceProcesses('demo', ['--patients', '2', '--docs-per-patient', '1']);
  ({ a, b } = instances);
  [nurseApp, colleagueApp] = await Promise.all([
    session.startApp(['--platform-url', platformUrl(a)]),
    session.startApp(['--platform-url', platformUrl(b)]),
  ]);
  nurse = await session.newPage();
  colleague = await session.newPage();
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

async function openDemoPatientChart(page: Page, who: DemoAccount, app: RunningApp): Promise<void> {
  await loginAndFirstSync(page, app.url, who);
  await page.getByRole('navigation').getByRole('link', { name: 'Soins', exact: true }).click();
  await page.getByTestId('care-patients').getByRole('row').filter({ hasText: 'REUTER' }).click();
  await page.getByTestId('care-plan').waitFor();
}

async function editCarePlan(page: Page, description: string): Promise<void> {
  const plan = page.getByTestId('care-plan');
  await plan.getByRole('button', { name: 'Modifier le plan de soins' }).click();
  await plan.getByLabel('Description du plan de soins').fill(description);
  await plan.getByRole('button', { name: 'Enregistrer' }).click();
  await plan.getByText(description).waitFor();
}

/** The care plan as an instance serves it, read over HTTP with a login of its own. */
async function carePlanOn(instance: PlatformProcess): Promise<{ description?: string; meta: { versionId: string } }> {
  const root = `http://127.0.0.1:${instance.port}`;
  const login = await httpRequest(root, 'POST', '/auth/login', {
    body: { identifier: NURSE.identifier, password: NURSE.password, otp: NURSE.otp },
    contentType: 'application/json',
  });
  expect(login.status).toBe(200);
  const read = await httpRequest(root, 'GET', `/fhir/CarePlan/${CARE_PLAN}`, { token: login.json.access_token as string });
  expect(read.status).toBe(200);
  return read.json;
}

describe('two nurses, two apps, two instances on one PostgreSQL database, one care plan', () => {
  it('each nurse opens the demo patient’s care plan through her own instance', async () => {
    await openDemoPatientChart(nurse, NURSE, nurseApp);
    await openDemoPatientChart(colleague, COLLEAGUE, colleagueApp);
    expect((await carePlanOn(a)).meta.versionId).toBe((await carePlanOn(b)).meta.versionId);
    await expectAccessible(nurse, 'patient chart (nurse, instance A)');
    await expectAccessible(colleague, 'patient chart (colleague, instance B)');
  });

  it('the colleague’s instance goes down: her app says it is offline', async () => {
    await b.stop();
    await syncAndWait(colleague, 'Hors ligne');
    await expectAccessible(colleague, 'patient chart (offline)');
  });

  it('the nurse edits the care plan through instance A: applied', async () => {
    await editCarePlan(nurse, FIRST_EDIT);
    await syncUntilNothingPending(nurse);
    // (polled: the pending badge may not have shown yet when the sync above ended)
    await expect
      .poll(() => carePlanOn(a), { timeout: 30_000 })
      .toMatchObject({ description: FIRST_EDIT, meta: { versionId: '2' } });
    await expectAccessible(nurse, 'patient chart (care plan edited)');
  });

  it('offline, the colleague edits the version she had: it waits to be sent', async () => {
    await editCarePlan(colleague, SECOND_EDIT);
    await colleague.getByTestId('care-plan').getByText('En attente d’envoi').waitFor();
    await colleague.getByTestId('pending-count').waitFor();
    await expectAccessible(colleague, 'patient chart (offline, edit pending)');
  });

  it('instance B back, her sync gets a 412: the conflicts screen shows both versions in words', async () => {
    b = await instances.restart(b);
    await syncAndWait(colleague);
    await colleague.getByRole('link', { name: 'Conflits' }).click();
    const conflict = colleague.getByTestId('conflict');
    await conflict.waitFor({ timeout: 30_000 });
    expect(await conflict.count()).toBe(1);
    await conflict.getByRole('heading', { name: /Plan de soins/ }).waitFor();
    await conflict.getByRole('link', { name: 'REUTER Jean' }).waitFor();
    await conflict.getByText(/Modifié sur la plateforme par/).waitFor();
    const description = conflict.getByTestId('conflict-changes').getByRole('row', { name: /^Description/ });
    expect(await description.getByRole('cell').allTextContents()).toEqual([SECOND_EDIT, FIRST_EDIT]);
    expect(await conflict.getByText(/^Motif :/).textContent()).toMatch(/If-Match/);
    expect(await conflict.textContent()).not.toContain('"resourceType"');
    // Nothing of hers reached the platform: both instances still serve the nurse's version.
    expect(await carePlanOn(b)).toMatchObject({ description: FIRST_EDIT, meta: { versionId: '2' } });
    await colleague.screenshot({ path: join(SCREENSHOT_DIR, 'conflict-two-instances.png') });
    await expectAccessible(colleague, 'conflicts (care plan, two instances)');
  });

  it('she keeps her version: it is sent on top of the nurse’s, and both instances serve it', async () => {
    await colleague.getByTestId('conflict').getByRole('button', { name: 'Garder ma version' }).click();
    await colleague.getByText('Aucun conflit.').waitFor({ timeout: 30_000 });
    await expectAccessible(colleague, 'conflicts (resolved)');
    await syncUntilNothingPending(colleague);
    for (const instance of [a, b])
      await expect
        .poll(() => carePlanOn(instance), { timeout: 30_000 })
        .toMatchObject({ description: SECOND_EDIT, meta: { versionId: '3' } });

    await syncUntilNothingPending(nurse);
    await nurse.getByTestId('care-plan').getByText(SECOND_EDIT).waitFor({ timeout: 30_000 });
    await expectAccessible(nurse, 'patient chart (resolved version, instance A)');
  });
});
