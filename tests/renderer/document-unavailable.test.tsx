import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DspPage } from '../../src-renderer/features/dsp/DspPage';
import type { DspDocumentSummary } from '../../src-shared/api';
import { renderWithFakeDesk } from './support/fake-desk';

const report: DspDocumentSummary = {
  id: 'dsp-demo-patient-18748-4',
  patientId: 'demo-patient',
  type: '18748-4',
  title: 'Compte rendu d’imagerie',
  date: '2024-09-10T11:30:00Z',
  author: 'Dr Anne Schmit',
  organization: null,
  confidentiality: 'N',
  status: 'current',
  contentType: 'application/pdf',
  pending: false,
  mine: false,
  replaces: null,
};

// Issue 15 item 7: a document whose content cannot be shown says why, in the user's language.
describe('a DSP document whose content cannot be shown', () => {
  it.each([
    ['not-on-device', 'fr', 'n’est pas encore sur cet appareil'],
    ['not-displayable', 'fr', 'ne peut pas être affiché'],
    ['not-on-device', 'de', 'noch nicht auf diesem Gerät'],
    ['no-content', 'en', 'has no attached content'],
  ] as const)('%s reads why (%s) instead of an empty panel', async (unavailable, language, reason) => {
    renderWithFakeDesk(
      <DspPage />,
      {
        'dsp.documents': () => [report],
        'dsp.patients': () => [],
        'dsp.opened': () => ({}),
        'dsp.document': () => ({ ...report, data: null, text: null, unavailable }),
      },
      language,
    );
    fireEvent.click(await screen.findByRole('button', { name: report.title }));
    expect(await screen.findByTestId('content-unavailable')).toHaveTextContent(reason);
  });

  it('a document with its content shows no such notice', async () => {
    renderWithFakeDesk(<DspPage />, {
      'dsp.documents': () => [{ ...report, contentType: 'text/plain' }],
      'dsp.patients': () => [],
      'dsp.opened': () => ({}),
      'dsp.document': () => ({ ...report, contentType: 'text/plain', data: null, text: 'Pas d’anomalie.', unavailable: null }),
    });
    fireEvent.click(await screen.findByRole('button', { name: report.title }));
    expect(await screen.findByText('Pas d’anomalie.')).toBeInTheDocument();
    expect(screen.queryByTestId('content-unavailable')).not.toBeInTheDocument();
  });
});
