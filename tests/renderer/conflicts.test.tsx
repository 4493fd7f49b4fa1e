import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import type { ConflictView } from '../../src-shared/api';
import { ConflictsPage } from '../../src-renderer/features/sync/ConflictsPage';
import { renderWithFakeDesk } from './support/fake-desk';

const local = {
  resourceType: 'Task',
  description: 'Prise de sang — annulée',
  for: { reference: 'Patient/demo-patient' },
};
const conflict: ConflictView = {
  opId: 'op-1',
  entityKey: 'Task/t1',
  reason: 'If-Match: W/"1" is stale; Task/t1 is at W/"2"',
  createdAt: '2026-11-25T10:00:00Z',
  resourceType: 'Task',
  record: 'Prise de sang — annulée',
  patient: { id: 'demo-patient', name: 'REUTER Jean' },
  mineBy: 'Marie Hoffmann',
  theirsBy: 'Dr Claude Weber',
  theirsAt: '2026-11-25T09:30:00Z',
  platformHasVersion: true,
  changes: [
    {
      field: 'description',
      mine: { text: 'Prise de sang — annulée', kind: 'text' },
      theirs: { text: 'Prise de sang — 7h30', kind: 'text' },
    },
    { field: 'executionPeriod.start', mine: null, theirs: { text: '2026-11-26', kind: 'text' } },
    { field: 'content.attachment.data', mine: { text: '20480', kind: 'binary' }, theirs: { text: '10240', kind: 'binary' } },
  ],
  local,
  server: { ...local, description: 'Prise de sang — 7h30' },
};

describe('conflicts screen', () => {
  it('says which patient, which record and who changed it, then field by field what differs — no JSON', async () => {
    renderWithFakeDesk(<ConflictsPage />, { 'sync.conflicts': () => [conflict] });
    const card = await screen.findByTestId('conflict');
    expect(within(card).getByRole('heading', { name: 'Tâche de soins — Prise de sang — annulée' })).toBeInTheDocument();
    expect(within(card).getByRole('link', { name: 'REUTER Jean' })).toHaveAttribute('href', '/patients/demo-patient');
    expect(card).toHaveTextContent(/Modifié sur la plateforme par Dr Claude Weber le 25\/11\/2026/);

    const table = within(card).getByTestId('conflict-changes');
    expect(within(table).getByRole('columnheader', { name: 'Ma version (cet appareil) — Marie Hoffmann' })).toBeInTheDocument();
    expect(within(table).getByRole('columnheader', { name: 'Version de la plateforme — Dr Claude Weber' })).toBeInTheDocument();
    const description = within(table).getByRole('row', { name: /^Description/ });
    expect(description).toHaveTextContent('Prise de sang — annulée');
    expect(description).toHaveTextContent('Prise de sang — 7h30');
    // A date in the interface language; a field only one side has says so.
    const start = within(table).getByRole('row', { name: /^Début prévu/ });
    expect(start).toHaveTextContent('(vide)');
    expect(start).toHaveTextContent('26/11/2026');
    // A file by its size, never its bytes.
    expect(within(table).getByRole('row', { name: /^Contenu du fichier/ })).toHaveTextContent('Fichier joint, 20 Ko');
    expect(card).not.toHaveTextContent('resourceType');
    expect(card).not.toHaveTextContent('"description"');
  });

  it('has no serious accessibility violation (structure; colours are checked in Chromium by the e2e tests)', async () => {
    const { container } = renderWithFakeDesk(<ConflictsPage />, { 'sync.conflicts': () => [conflict] });
    await screen.findByTestId('conflict-changes');
    const results = await axe.run(container, { rules: { 'color-contrast': { enabled: false } } });
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  });

  it('in German, with the field names and dates of the German interface', async () => {
    renderWithFakeDesk(<ConflictsPage />, { 'sync.conflicts': () => [conflict] }, 'de');
    const table = await screen.findByTestId('conflict-changes');
    expect(within(table).getByRole('row', { name: /^Geplanter Beginn/ })).toHaveTextContent('26.11.2026');
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
