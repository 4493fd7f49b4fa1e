import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/accessibility';
import { SCREENSHOT_DIR } from './support/chromium';
import { useE2eSession } from './support/e2e-session';
import { syncAndWait } from './support/sync';
import { submitLogin } from './support/login';

// Issue 4, acceptance 6: a new user logs in, sets a passphrase, sees the first sync's time and the sync state;
// with the platform stopped the app says offline and still opens cached data.
const session = useE2eSession({ platform: 'demo' });
let page: Page;

beforeAll(async () => {
  page = await session.newPage();
});

async function searchPractitioners(text: string) {
  await page.getByRole('link', { name: 'Annuaires' }).click();
  await page.getByLabel('Nom', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Rechercher' }).click();
}

describe('first login, first sync, then offline', () => {
  it('logs in with a demo account, sets a passphrase and shows the first sync and its state', async () => {
    await page.goto(session.apps.app.url);
    await page.getByRole('form', { name: 'Connexion LuxTrust' }).waitFor();
    const loginAt = new Date();
    const gp = await submitLogin(page, 'gp', 'ma phrase secrète du cabinet');

    await page.getByText(`Connecté : ${gp.displayName}`).waitFor();
    // What the app reports once the first sync has ended, never a transient state it may pass too fast to see:
    // online, the time of that sync (a minute since the login), and nothing left to send (the new key went out).
    const lastSync = page.getByTestId('sync-status').getByText(/Dernière synchro : \d/);
    await lastSync.waitFor({ timeout: 60_000 });
    await page.getByTestId('connectivity').getByText('En ligne').waitFor({ timeout: 30_000 });
    const minutesSinceLogin = new Set<string>();
    for (let at = loginAt.getTime() - 60_000; at <= Date.now() + 60_000; at += 60_000)
      minutesSinceLogin.add(new Date(at).toLocaleTimeString('fr', { hour: '2-digit', minute: '2-digit' }));
    const shown = (await lastSync.textContent()) ?? '';
    expect(
      [...minutesSinceLogin].some((minute) => shown.endsWith(minute)),
      `${shown} after a login at ${loginAt.toISOString()}`,
    ).toBe(true);
    expect(await page.getByTestId('pending-count').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'first-sync-done.png') });
    await expectAccessible(page, 'home after first sync');
  });

  it('searches the professional directory online', async () => {
    await searchPractitioners('Weber');
    await page.getByTestId('directory-results').getByText('Weber').first().waitFor();
    expect(await page.getByTestId('from-cache').count()).toBe(0);
    await expectAccessible(page, 'directory (online results)');
  });

  it('says offline once the platform is gone, and still answers from the cache', async () => {
    await session.platform.stop();
    await syncAndWait(page, 'Hors ligne');
    await searchPractitioners('Weber');
    await page.getByTestId('from-cache').waitFor();
    await page.getByTestId('directory-results').getByText('Weber').first().waitFor();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'offline-cached-directory.png') });
    await expectAccessible(page, 'directory (offline, from cache)');
  });
});
