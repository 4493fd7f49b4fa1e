import { fireEvent, screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import type { RcpDossier, RcpMeetingDetail } from '../../src-shared/api';
import { RcpMeetingPage } from '../../src-renderer/features/rcp/RcpMeetingPage';
import { renderWithFakeDesk } from './support/fake-desk';

const meeting: RcpMeetingDetail = {
  id: 'm1',
  title: 'RCP oncologie thoracique — CHL',
  specialty: 'Oncologie thoracique',
  start: '2026-12-03T14:00:00.000Z',
  end: '2026-12-03T16:00:00.000Z',
  status: 'booked',
  myRole: 'member',
  myAnswer: 'accepted',
  caseCount: 1,
  participants: [
    { reference: 'Practitioner/o', name: 'Dr Hélène Kremer', specialties: ['oncology'], role: 'member', answer: 'accepted' },
    { reference: 'Practitioner/r', name: 'Dr Lea Hansen', specialties: ['radiology'], role: 'member', answer: 'accepted' },
  ],
  pending: false,
  cases: [
    {
      id: 'c1',
      patientId: 'p1',
      patientName: 'REUTER Jean',
      question: 'Quelle stratégie de deuxième ligne ?',
      presenter: 'Dr Claude Weber',
      diagnosis: 'Adénocarcinome pulmonaire',
      staging: { t: 'cT2a', n: 'cN1', m: 'cM0', stageGroup: 'IIB', ecog: '1' },
      readable: true,
      proposalId: 'cp1',
      minutesId: null,
      pending: false,
    },
  ],
  quorum: { met: false, missing: [['surgery', 'radiotherapy']] },
  canRecord: true,
  canAnswer: true,
};

const dossier: RcpDossier = {
  id: 'c1',
  meetingId: 'm1',
  patient: { id: 'p1', name: 'REUTER Jean', birthDate: '1966-03-13' },
  question: 'Quelle stratégie de deuxième ligne ?',
  presenter: 'Dr Claude Weber',
  registeredBy: 'Dr Claude Weber',
  diagnosis: 'Adénocarcinome pulmonaire',
  staging: { t: 'cT2a', n: 'cN1', m: 'cM0', stageGroup: 'IIB', ecog: '1' },
  documents: [
    { title: 'Scanner', reference: null, copiedFrom: 'DocumentReference/x', available: true, contentType: 'text/plain' },
  ],
  proposal: {
    id: 'cp1',
    baseVersion: '2',
    text: 'Immunothérapie',
    alternatives: [],
    dissent: '',
    specialtiesPresent: [],
    pending: false,
    inConflict: true,
  },
  minutes: [],
  canAttach: false,
  attachable: [],
};

function renderMeeting(language: 'fr' | 'de' | 'en' = 'fr') {
  return renderWithFakeDesk(
    <Routes>
      <Route path="*" element={<RcpMeetingPage />} />
    </Routes>,
    { 'rcp.meeting': () => meeting, 'rcp.dossier': () => dossier },
    language,
  );
}

describe('the tumour-board meeting screen (issue 12)', () => {
  it.each([
    ['fr', 'Quorum non atteint', 'chirurgie ou radiothérapie'],
    ['de', 'Nicht beschlussfähig', 'Chirurgie oder Strahlentherapie'],
    ['en', 'No quorum', 'surgery or radiotherapy'],
  ] as const)('names the missing quorum in words (%s)', async (language, title, missing) => {
    renderMeeting(language);
    const quorum = await screen.findByTestId('rcp-quorum');
    expect(quorum).toHaveTextContent(title);
    expect(quorum).toHaveTextContent(missing);
  });

  it('opens a case with its dossier beside the proposal form, and says the proposal is in conflict', async () => {
    renderMeeting();
    fireEvent.click(await screen.findByText('REUTER Jean'));
    expect(await screen.findByTestId('rcp-dossier')).toHaveTextContent('cT2a cN1 cM0 (IIB) · ECOG 1');
    expect(screen.getByTestId('rcp-proposal-form')).toHaveTextContent('Proposition de la RCP');
    expect(screen.getByTestId('rcp-proposal-conflict')).toHaveTextContent('Un autre participant l’a modifiée');
    expect(screen.getByLabelText(/Proposition thérapeutique/)).toHaveValue('Immunothérapie');
  });
});
