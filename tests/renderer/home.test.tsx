import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { DspPatient, MessageSummary } from '../../src-shared/api';
import { HomePage } from '../../src-renderer/features/home/HomePage';
import { renderWithFakeDesk } from './support/fake-desk';

const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();
const message = (id: string, subject: string, unread: boolean): MessageSummary => ({
  id,
  folder: 'inbox',
  sender: { reference: 'Practitioner/demo-nurse', name: 'Marie Hoffmann', identifier: 'PDEMONURSE' },
  signerFingerprint: null,
  recipients: [],
  subject,
  sentAt: '2026-11-25T08:00:00Z',
  unread,
  signature: 'valid',
  attachmentCount: 0,
  delivery: 'delivered',
});
const patient = (id: string, name: string, access: DspPatient['access']): DspPatient => ({
  id,
  name,
  matricule: null,
  birthDate: null,
  documentCount: 1,
  access,
});

describe('Accueil', () => {
  it('shows what needs the professional now, each tile linking to its screen', async () => {
    renderWithFakeDesk(<HomePage />, {
      'mailbox.counts': () => ({
        inbox: { total: 3, unread: 2 },
        sent: { total: 0, unread: 0 },
        drafts: { total: 0, unread: 0 },
        archive: { total: 0, unread: 0 },
      }),
      'mailbox.list': () => [message('m1', 'Pansement', true), message('m2', 'Résultats', true), message('m3', 'Lu', false)],
      'sync.status': () => ({
        connectivity: 'online',
        running: false,
        lastSuccessAt: null,
        pending: 1,
        conflicts: 2,
        progress: null,
      }),
      'dsp.recentPatients': () => [{ id: 'p1', name: 'REUTER Jean', openedAt: '2026-11-25T09:00:00Z' }],
      'dsp.patients': () => [
        patient('p2', 'MULLER Anne', [{ kind: 'presence-code', until: hoursFromNow(2) }]),
        patient('p3', 'KLEIN Paul', [{ kind: 'presence-code', until: hoursFromNow(72) }]),
        patient('p4', 'WEIS Marc', [{ kind: 'presence-code', until: hoursFromNow(-1) }]),
        patient('p1', 'REUTER Jean', [{ kind: 'referent', until: null }]),
      ],
    });

    const messages = await screen.findByTestId('tile-messages');
    expect(await within(messages).findByText('2 messages non lus')).toBeInTheDocument();
    expect(within(messages).getByText('Marie Hoffmann — Pansement')).toBeInTheDocument();
    expect(within(messages).queryByText(/— Lu$/)).toBeNull();
    expect(within(messages).getByRole('link', { name: 'Messages' })).toHaveAttribute('href', '/mailbox');

    const sync = screen.getByTestId('tile-sync');
    expect(await within(sync).findByText('1 écriture en attente d’envoi')).toBeInTheDocument();
    expect(within(sync).getByText('2 conflits à résoudre')).toBeInTheDocument();
    expect(within(sync).getByRole('link', { name: 'Synchronisation' })).toHaveAttribute('href', '/conflicts');

    const recent = screen.getByTestId('tile-recent-patients');
    expect(await within(recent).findByRole('link', { name: 'REUTER Jean' })).toHaveAttribute('href', '/patients/p1');

    // Only the code that ends within 24 hours: not the one in three days, not the expired one.
    const codes = screen.getByTestId('tile-expiring-codes');
    expect(await within(codes).findByRole('link', { name: 'MULLER Anne' })).toHaveAttribute('href', '/patients/p2');
    expect(within(codes).queryByText('KLEIN Paul')).toBeNull();
    expect(within(codes).queryByText('WEIS Marc')).toBeNull();
  });
});
