import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { PatientsPage } from '../../src-renderer/features/dsp/PatientsPage';
import type { Role } from '../../src-shared/domain/roles';
import { renderWithFakeDesk } from './support/fake-desk';

const statusAs = (role: Role) => () => ({
  state: 'unlocked',
  profile: null,
  user: { id: `Practitioner/demo-${role}`, role, name: 'Sophie Muller' },
  loggedIn: true,
  canRemember: false,
});

describe('"Mes patients" for a role without a care mandate (issue 9)', () => {
  it.each([
    ['secretary', 'fr', 'Votre rôle n’a pas de mandat de soins'],
    ['facility-admin', 'de', 'Ihre Rolle hat keinen Behandlungsauftrag'],
    ['secretary', 'en', 'Your role has no care mandate'],
  ] as const)('a %s reads why there is no DSP access (%s), not an empty list', async (role, language, reason) => {
    renderWithFakeDesk(<PatientsPage />, { 'dsp.patients': () => [], 'session.status': statusAs(role) }, language);
    expect(await screen.findByTestId('no-care-mandate')).toHaveTextContent(reason);
    expect(screen.queryByText('Aucun dossier accessible sur cet appareil pour l’instant.')).not.toBeInTheDocument();
  });

  it('a nurse with no patient yet sees the empty list, not the no-mandate reason', async () => {
    renderWithFakeDesk(<PatientsPage />, { 'dsp.patients': () => [], 'session.status': statusAs('nurse') });
    expect(await screen.findByText('Aucun dossier accessible sur cet appareil pour l’instant.')).toBeInTheDocument();
    expect(screen.queryByTestId('no-care-mandate')).not.toBeInTheDocument();
  });
});
