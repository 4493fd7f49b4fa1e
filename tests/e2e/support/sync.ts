import type { Page } from 'playwright-core';

/** Presses "Synchroniser" and waits until the app says whether the platform answered ("En ligne") or not. */
export async function syncAndWait(page: Page, state: 'En ligne' | 'Hors ligne' = 'En ligne'): Promise<void> {
  await page.getByRole('button', { name: 'Synchroniser' }).click();
  await page.getByTestId('connectivity').getByText(state).waitFor({ timeout: 30_000 });
}

/** Syncs online and waits until nothing waits to be sent (the pending badge is gone). */
export async function syncUntilNothingPending(page: Page): Promise<void> {
  await syncAndWait(page);
  await page.getByTestId('pending-count').waitFor({ state: 'detached', timeout: 60_000 });
}
