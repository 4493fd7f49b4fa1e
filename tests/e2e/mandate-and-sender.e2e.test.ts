import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectAccessible } from './support/accessibility';
import { SCREENSHOT_DIR } from './support/chromium';
import { useE2eSession } from './support/e2e-session';
import { loginAndFirstSync } from './support/login';
import { syncAndWait } from './support/sync';

// Issue 9, acceptance 5, as a new user would in the browser shell: the secretary opens "Mes patients"
// and reads why she has no DSP access; the GP receives mail from the nurse and sees, beside her name,
// her directory identifier and the fingerprint of the key that signed.
const session = useE2eSession({ platform: 'none', apps: ['secretary', 'nurse', 'gp'] });

describe('issue 9 in Chromium', () => {
  it('the secretary opens "Mes patients" and reads why she has no DSP access', async () => {
    const page = await session.newPage();
    await loginAndFirstSync(page, session.apps.secretary.url, 'secretary');
    await expectAccessible(page, 'home (secretary)');
    await page.getByRole('link', { name: 'Mes patients' }).click();
    const reason = page.getByTestId('no-care-mandate');
    await reason.waitFor();
    expect(await reason.textContent()).toContain('Votre rôle n’a pas de mandat de soins');
    expect(await page.getByTestId('patients').count()).toBe(0);
    expect(await page.getByText('Aucun dossier accessible sur cet appareil pour l’instant.').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'secretary-no-care-mandate.png') });
    await expectAccessible(page, 'Mes patients (secretary, no care mandate)');
  });

  it("the GP receives the nurse's mail and sees her identifier and her key's fingerprint beside her name", async () => {
    const nurse = await session.newPage();
    const gp = await session.newPage();
    await loginAndFirstSync(gp, session.apps.gp.url, 'gp');
    await loginAndFirstSync(nurse, session.apps.nurse.url, 'nurse');
    await syncAndWait(gp);
    await syncAndWait(nurse); // the nurse's cache now holds the GP's published key

    await nurse.getByRole('link', { name: 'Messagerie' }).click();
    const ownFingerprint = nurse.getByTestId('fingerprint');
    await ownFingerprint.waitFor();
    const nurseFingerprint = /(([0-9A-F]{4} ){9}[0-9A-F]{4})/.exec((await ownFingerprint.textContent()) ?? '')?.[1];
    expect(nurseFingerprint).toBeDefined();
    await nurse.getByRole('button', { name: 'Nouveau message' }).click();
    await nurse.getByTestId('recipients').click();
    await nurse.keyboard.type('Weber');
    await nurse.getByRole('option', { name: /Dr Claude Weber/ }).click();
    await nurse.getByLabel(/^Objet/).fill('M. Thill — glycémies');
    await nurse
      .getByLabel('Message', { exact: true })
      .fill('Bonjour Docteur, glycémies du matin entre 1,8 et 2,1 g/l cette semaine.');
    await nurse.getByRole('button', { name: 'Envoyer' }).click();
    await expectAccessible(nurse, 'mailbox: sent (nurse)');
    await syncAndWait(nurse);
    await syncAndWait(gp);

    await gp.getByRole('link', { name: /Messagerie/ }).click();
    await gp.getByTestId('message-list').getByText('M. Thill — glycémies').click();
    const reader = gp.getByTestId('message-reader');
    await reader.getByText('Signature vérifiée').waitFor();
    expect(await reader.getByTestId('sender-identity').textContent()).toMatch(/Hoffmann.*\(identifiant annuaire : PDEMONURSE\)/);
    expect(await reader.getByTestId('signer-fingerprint').textContent()).toBe(
      `Empreinte de la clé de signature : ${nurseFingerprint}`,
    );
    await gp.screenshot({ path: join(SCREENSHOT_DIR, 'gp-sees-nurse-identifier-and-fingerprint.png') });
    await expectAccessible(gp, 'mailbox: message from the nurse (GP)');
  });
});
