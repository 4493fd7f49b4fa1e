import type { Page } from 'playwright-core';
import { demoAccount, type DemoAccount } from '../../../src-main/platform/seed/demo-accounts';
import type { Role } from '../../../src-shared/domain/roles';

/**
 * Fills the French login form as a user would, with a demo account (the role's, or the one given) and this
 * device's passphrase. The page must already show the form.
 */
export async function submitLogin(page: Page, who: Role | DemoAccount, passphrase = 'une phrase secrète solide') {
  const account = typeof who === 'string' ? demoAccount(who) : who;
  await page.getByLabel('Identifiant').fill(account.identifier);
  await page.getByLabel(/^Mot de passe/).fill(account.password);
  await page.getByLabel('Code à usage unique').fill(account.otp);
  await page.getByLabel('Phrase secrète de cet appareil').fill(passphrase);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  return account;
}

/** Opens the app, logs in and waits for the end of the first sync. */
export async function loginAndFirstSync(page: Page, url: string, who: Role | DemoAccount) {
  await page.goto(url);
  const account = await submitLogin(page, who);
  await page
    .getByTestId('sync-status')
    .getByText(/Dernière synchro : \d/)
    .waitFor({ timeout: 60_000 });
  return account;
}
