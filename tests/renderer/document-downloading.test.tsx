import { act, fireEvent, screen } from '@testing-library/react';
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
  contentType: 'text/plain',
  pending: false,
  mine: false,
  replaces: null,
};

// Issue 10: an evicted (or not yet fetched) document comes back on demand, visibly: while its bytes
// arrive the viewer says "downloading…" with the progress the core reports, in the user's language.
describe('a document whose bytes are being fetched', () => {
  it.each([
    ['fr', 'Téléchargement du document… 25 %'],
    ['de', 'Dokument wird heruntergeladen… 25 %'],
    ['en', 'Downloading the document… 25%'],
  ] as const)('shows the download progress (%s), then the document', async (language, downloading) => {
    let arrive: (value: unknown) => void = () => {};
    const { emit } = renderWithFakeDesk(
      <DspPage />,
      {
        'dsp.documents': () => [report],
        'dsp.patients': () => [],
        'dsp.opened': () => ({}),
        'dsp.document': () => new Promise((resolve) => (arrive = resolve)),
      },
      language,
    );
    fireEvent.click(await screen.findByRole('button', { name: report.title }));
    expect(screen.queryByTestId('document-downloading')).not.toBeInTheDocument();
    act(() => emit('attachments.progress', { direction: 'download', binaryId: 'b1', done: 1024, total: 4096 }));
    expect(await screen.findByTestId('document-downloading')).toHaveTextContent(downloading);
    expect(screen.getByRole('progressbar', { name: downloading })).toHaveAttribute('aria-valuenow', '25');
    // An upload's progress is not this document's download.
    act(() => emit('attachments.progress', { direction: 'upload', binaryId: null, done: 4000, total: 4096 }));
    expect(screen.getByTestId('document-downloading')).toHaveTextContent(downloading);
    act(() => {
      emit('attachments.progress', { direction: 'download', binaryId: 'b1', done: 4096, total: 4096 });
      arrive({ ...report, data: null, text: 'Pas d’anomalie.', unavailable: null });
    });
    expect(await screen.findByText('Pas d’anomalie.')).toBeInTheDocument();
    expect(screen.queryByTestId('document-downloading')).not.toBeInTheDocument();
  });
});
