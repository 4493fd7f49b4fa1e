import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp } from './support/render-app';

describe('app frame', () => {
  it('opens in French and shows app.info from the core', async () => {
    renderApp();
    expect(await screen.findByRole('heading', { name: 'Bienvenue sur eSanté Desk' })).toBeInTheDocument();
    const info = await screen.findByTestId('app-info');
    expect(within(info).getByText('0.1.0')).toBeInTheDocument();
    expect(within(info).getByText('http://127.0.0.1:8787/fhir')).toBeInTheDocument();
    expect(within(info).getByText('Aucun profil sur cet appareil')).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Navigation principale' })).toBeInTheDocument();
  });

  it('switches the whole UI to German and remembers the choice in the settings', async () => {
    const { core } = renderApp();
    await screen.findByTestId('app-info');
    await userEvent.click(screen.getByText('DE'));
    expect(await screen.findByRole('heading', { name: 'Willkommen bei eSanté Desk' })).toBeInTheDocument();
    expect(screen.getByText('Kein Profil auf diesem Gerät')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Startseite' })).toBeInTheDocument();
    await expect.poll(async () => (await core.registry.call('settings.get', {})) as unknown).toMatchObject({ value: { language: 'de' } });
  });

  it('opens in English when that is the saved language', async () => {
    renderApp({ language: 'en' });
    expect(await screen.findByRole('heading', { name: 'Welcome to eSanté Desk' })).toBeInTheDocument();
  });
});
