import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SenderIdentity } from '../../src-renderer/features/mailbox/SenderIdentity';
import { renderWithFakeDesk } from './support/fake-desk';

const nurse = { reference: 'Practitioner/demo-nurse', name: 'Claire Hoffmann', identifier: 'PDEMONURSE' };

describe('the sender beside their directory name (issue 9)', () => {
  it('shows the directory identifier and the signing key fingerprint in groups of four', () => {
    renderWithFakeDesk(
      <SenderIdentity message={{ sender: nurse, signerFingerprint: '0123456789ABCDEF0123456789ABCDEF01234567' }} />,
      {},
    );
    expect(screen.getByTestId('sender-identity')).toHaveTextContent('Claire Hoffmann (identifiant annuaire : PDEMONURSE)');
    expect(screen.getByTestId('signer-fingerprint')).toHaveTextContent(
      'Empreinte de la clé de signature : 0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567',
    );
  });

  it('says so when no directory key signed the message', () => {
    renderWithFakeDesk(<SenderIdentity message={{ sender: nurse, signerFingerprint: null }} />, {});
    expect(screen.getByTestId('signer-fingerprint')).toHaveTextContent('Aucune clé de l’annuaire n’a signé ce message.');
  });
});
