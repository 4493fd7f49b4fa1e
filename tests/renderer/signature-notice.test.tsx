import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SignatureNotice } from '../../src-renderer/features/mailbox/SignatureBadge';
import { renderWithFakeDesk } from './support/fake-desk';

describe('signature notice', () => {
  it('a verified signature is a quiet badge', () => {
    renderWithFakeDesk(<SignatureNotice signature="valid" />, {});
    expect(screen.getByText('Signature vérifiée')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it.each([
    ['invalid', 'Signature invalide'],
    ['missing', 'Message non signé'],
    ['unknown-signer', 'n’est pas celle de l’expéditeur'],
    ['unreadable', 'Message illisible'],
  ] as const)('%s is a visible warning, never hidden', (signature, text) => {
    renderWithFakeDesk(<SignatureNotice signature={signature} />, {});
    expect(screen.getByRole('alert')).toHaveTextContent(text);
  });
});
