import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ConflictsPage } from '../../src-renderer/features/sync/ConflictsPage';
import { renderWithFakeDesk } from './support/fake-desk';

const conflict = {
  opId: 'op-1',
  entityKey: 'Task/t1',
  reason: 'If-Match: W/"1" is stale; Task/t1 is at W/"2"',
  createdAt: '2026-11-25T10:00:00Z',
  local: { resourceType: 'Task', description: 'Prise de sang — annulée' },
  server: { resourceType: 'Task', description: 'Prise de sang — 7h30' },
};

describe('conflicts screen', () => {
  it('shows this device’s version next to the platform’s, with the reason', async () => {
    renderWithFakeDesk(<ConflictsPage />, { 'sync.conflicts': () => [conflict] });
    const card = await screen.findByTestId('conflict');
    expect(within(card).getByText('Ma version (cet appareil)')).toBeInTheDocument();
    expect(within(card).getByText('Version de la plateforme')).toBeInTheDocument();
    expect(card).toHaveTextContent('Prise de sang — annulée');
    expect(card).toHaveTextContent('Prise de sang — 7h30');
    expect(card).toHaveTextContent('Motif : If-Match');
  });

  it('sends the user’s choice, never deciding alone', async () => {
    const { calls } = renderWithFakeDesk(<ConflictsPage />, {
      'sync.conflicts': () => [conflict],
      'sync.resolve': () => ({
        connectivity: 'online',
        running: false,
        lastSuccessAt: null,
        pending: 0,
        conflicts: 0,
        progress: null,
      }),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Garder ma version' }));
    expect(calls.filter((c) => c.method === 'sync.resolve')).toEqual([
      { method: 'sync.resolve', input: { opId: 'op-1', choice: 'mine' } },
    ]);
  });

  it('says so when there is nothing to resolve', async () => {
    renderWithFakeDesk(<ConflictsPage />, { 'sync.conflicts': () => [] });
    expect(await screen.findByText('Aucun conflit.')).toBeInTheDocument();
  });
});
