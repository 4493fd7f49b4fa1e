import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectAccessible } from './support/accessibility';
import { SCREENSHOT_DIR } from './support/chromium';
import { useE2eSession } from './support/e2e-session';

const session = useE2eSession();

describe('npm start (browser shell) in Chromium', () => {
  it('prints its running line and shows the app frame in French, then in German after switching', async () => {
    const page = await session.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));

    await page.goto(session.apps.app.url);
    await page.getByRole('form', { name: 'Connexion LuxTrust' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('eSanté Desk');
    // The token left the address bar.
    expect(page.url()).not.toContain('token=');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'app-frame-fr.png') });
    await expectAccessible(page, 'login (fr)');

    await page.getByText('DE', { exact: true }).click();
    await page.getByRole('form', { name: 'LuxTrust-Anmeldung' }).waitFor();
    expect(await page.getByRole('link', { name: 'Startseite' }).count()).toBe(1);
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'app-frame-de.png') });
    await expectAccessible(page, 'login (de)');

    // The choice is kept: a reload opens in German.
    await page.reload();
    await page.getByRole('form', { name: 'LuxTrust-Anmeldung' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('a page without the token cannot use the API', async () => {
    const page = await session.newPage();
    const origin = new URL(session.apps.app.url).origin;
    await page.goto(`${origin}/`);
    const status = await page.evaluate(
      async () =>
        (await fetch('/api/app.info', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status,
    );
    expect(status).toBe(401);
  });
});
