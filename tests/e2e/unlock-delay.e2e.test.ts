import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/accessibility';
import { useE2eSession } from './support/e2e-session';
import { loginAndFirstSync } from './support/login';

// Issue 9: after 5 wrong passphrases at the unlock screen the app makes the user wait, and says so in
// their language with the time left (the count itself is tested in unlock-attempts.security.test.ts).
const session = useE2eSession({ platform: 'demo' });
let page: Page;

beforeAll(async () => {
  page = await session.newPage();
});

/** Types a passphrase into the unlock form and waits for the core's answer. */
async function tryPassphrase(passphrase: string) {
  await page.getByLabel('Phrase secrète de cet appareil').fill(passphrase);
  const answered = page.waitForResponse((response) => response.url().endsWith('/api/session.unlock'));
  await page.getByRole('button', { name: 'Déverrouiller', exact: true }).click();
  return (await answered).json() as Promise<{ ok: boolean; error?: { code: string } }>;
}

describe('unlock screen after too many wrong passphrases', () => {
  it('answers 5 wrong passphrases, then shows the wait in French, even for the right one', async () => {
    await loginAndFirstSync(page, session.apps.app.url, 'nurse');
    await page.getByRole('button', { name: 'Verrouiller' }).click();
    await page.getByRole('form', { name: 'Déverrouiller un profil' }).waitFor();

    for (let i = 0; i < 5; i++)
      expect(await tryPassphrase(`pas la bonne phrase ${i}`)).toMatchObject({ error: { code: 'wrong_passphrase' } });
    await page.getByRole('alert').getByText('Phrase secrète incorrecte.').waitFor();

    expect(await tryPassphrase('une phrase secrète solide')).toMatchObject({ error: { code: 'rate_limited' } });
    const alert = page.getByRole('alert');
    await alert.getByText('Trop de tentatives : réessayez plus tard.').waitFor();
    // The exact number depends on how long the six tries took; that it is said, and how, is the point.
    expect(await alert.textContent()).toMatch(/Réessayez dans \d+ secondes?\./);
    await expectAccessible(page, 'unlock screen with the wait after wrong passphrases');
  });
});
