import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * In "Annuaires", searches the nurses of Ettelbruck with two filters (profession, locality) and checks that
 * every row of the results (but the header) is one; returns the results, where Marie Hoffmann is.
 */
export async function findNursesOfEttelbruck(page: Page): Promise<Locator> {
  await page.getByRole('link', { name: 'Annuaires' }).click();
  const form = page.getByRole('search', { name: 'Professionnels de santé' });
  await form.getByLabel('Profession', { exact: true }).click();
  await page.getByRole('option', { name: 'Infirmier·ère' }).click();
  await form.getByLabel('Localité').fill('Ettelbruck');
  await form.getByRole('button', { name: 'Rechercher' }).click();
  const results = page.getByTestId('directory-results');
  await results.getByRole('button', { name: 'Marie Hoffmann' }).waitFor();
  const rows = results.getByRole('row');
  const count = await rows.count();
  expect(count).toBeGreaterThan(1);
  for (let i = 1; i < count; i++) await expect.poll(() => rows.nth(i).textContent()).toMatch(/Infirmier·ère.*Ettelbruck/);
  return results;
}
