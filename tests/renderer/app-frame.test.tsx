import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp } from './support/render-app';

describe('app frame', () => {
  it('opens in French on the login form when no profile exists', async () => {
    renderApp();
    expect(await screen.findByRole('form', { name: 'Connexion LuxTrust' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: 'eSanté Desk' })).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Navigation principale' })).toBeInTheDocument();
    expect(screen.getByLabelText(/Code à usage unique/)).toBeInTheDocument();
    // The passphrase rule the core and the API enforce (src-shared/domain/passphrase.ts), said up front.
    expect(screen.getByText('Au moins 10 caractères. Elle ne quitte jamais cet appareil.')).toBeInTheDocument();
    // No unlock tab without a profile on this device.
    expect(screen.queryByRole('tab', { name: 'Déverrouiller un profil' })).not.toBeInTheDocument();
  });

  it('switches the whole UI to German and remembers the choice in the settings', async () => {
    const { core } = renderApp();
    await screen.findByRole('form', { name: 'Connexion LuxTrust' });
    await userEvent.click(screen.getByText('DE'));
    expect(await screen.findByRole('form', { name: 'LuxTrust-Anmeldung' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Startseite' })).toBeInTheDocument();
    expect(screen.getByLabelText(/Einmalcode/)).toBeInTheDocument();
    await expect
      .poll(async () => (await core.registry.call('settings.get', {})) as unknown)
      .toMatchObject({ value: { language: 'de' } });
  });

  it('opens in English when that is the saved language', async () => {
    renderApp({ language: 'en' });
    expect(await screen.findByRole('form', { name: 'LuxTrust login' })).toBeInTheDocument();
  });

  it('names the field a login input breaks, in the user language, before anything reaches the platform', async () => {
    renderApp();
    await screen.findByRole('form', { name: 'Connexion LuxTrust' });
    await userEvent.type(screen.getByLabelText(/Identifiant/), 'dr.test');
    await userEvent.type(screen.getByLabelText(/^Mot de passe/), 'x');
    await userEvent.type(screen.getByLabelText(/Code à usage unique/), '12');
    await userEvent.type(screen.getByLabelText(/Phrase secrète/), 'short');
    await userEvent.click(screen.getByRole('button', { name: 'Se connecter' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Saisie invalide : otp.');
  });
});
