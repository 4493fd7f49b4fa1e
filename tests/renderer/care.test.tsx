import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DoseConflict, PatientReadiness, RoundDose } from '../../src-shared/api/care';
import { DoseConflictCard } from '../../src-renderer/features/care/DoseConflictCard';
import { HandoverPage } from '../../src-renderer/features/care/HandoverPage';
import { MedicationRoundPage } from '../../src-renderer/features/care/MedicationRoundPage';
import { TourPage } from '../../src-renderer/features/care/TourPage';
import { VitalsEntryForm } from '../../src-renderer/features/care/VitalsEntryForm';
import { FakeApiError, renderWithFakeDesk } from './support/fake-desk';

const dose = (over: Partial<RoundDose>): RoundDose => ({
  doseId: 'mr-1.20261125T0700Z',
  requestId: 'mr-1',
  patientId: 'demo-patient',
  patientName: 'REUTER Jean',
  medication: 'Metformine 500 mg',
  dosage: '1 comprimé',
  scheduledAt: '2026-11-25T07:00:00Z',
  state: 'due',
  reason: null,
  recordedBy: null,
  recordedAt: null,
  check: null,
  pending: false,
  inConflict: false,
  ...over,
});

describe('vital signs entry', () => {
  it('is typed by keyboard and sent as one entry per vital sign, a blood pressure from its two fields', async () => {
    const { calls } = renderWithFakeDesk(<VitalsEntryForm patientId="demo-patient" />, {
      'care.addVitals': () => ({ ids: ['a', 'b'] }),
    });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/Température/), '38,2');
    await user.type(screen.getByLabelText(/^Systolique/), '135');
    await user.type(screen.getByLabelText(/^Diastolique/), '85{Enter}');
    await screen.findByText('Constantes enregistrées.');
    expect(calls.find((c) => c.method === 'care.addVitals')?.input).toEqual({
      patientId: 'demo-patient',
      entries: [
        { kind: 'temperature', value: 38.2, unit: 'Cel' },
        { kind: 'blood-pressure', systolic: 135, diastolic: 85, unit: 'mm[Hg]' },
      ],
    });
  });

  it.each([
    ['fr', 'SpO₂ : valeur impossible (hors des limites plausibles)'],
    ['de', 'SpO₂: unmöglicher Wert (außerhalb plausibler Grenzen)'],
    ['en', 'SpO₂: impossible value (outside plausible limits)'],
  ] as const)(
    'a refused value names the field as labelled and the rule, in the user’s language (%s)',
    async (language, words) => {
      renderWithFakeDesk(
        <VitalsEntryForm patientId="demo-patient" />,
        {
          'care.addVitals': () => {
            throw new FakeApiError({
              code: 'invalid_input',
              message: 'spo2 120',
              field: 'entries.0.value',
              rule: 'plausible-range',
            });
          },
        },
        language,
      );
      const user = userEvent.setup();
      await user.type(screen.getByLabelText(/SpO₂/), '120{Enter}');
      expect(await screen.findByRole('alert')).toHaveTextContent(words);
    },
  );
});

describe('medication round', () => {
  it('highlights overdue doses, shows an asserted second check as not countersigned, never as verified', async () => {
    renderWithFakeDesk(<MedicationRoundPage />, {
      'care.round': () => [
        dose({ state: 'overdue' }),
        dose({
          doseId: 'mr-2.20261125T0700Z',
          requestId: 'mr-2',
          medication: 'Bisoprolol 5 mg',
          state: 'given',
          recordedBy: 'Marie Hoffmann',
          check: { by: 'Practitioner/demo-nurse2', byName: 'Paul Schmit', state: 'asserted' },
        }),
      ],
    });
    const rows = await screen.findAllByRole('row');
    const overdue = rows.find((r) => r.getAttribute('data-state') === 'overdue')!;
    expect(within(overdue).getByText('En retard')).toBeInTheDocument();
    expect(screen.getByText('Double contrôle déclaré par Paul Schmit, pas encore contresigné')).toBeInTheDocument();
    expect(screen.queryByText(/contresigné par/)).not.toBeInTheDocument();
  });

  it('a refused dose asks for its reason and sends it with the outcome', async () => {
    const { calls } = renderWithFakeDesk(<MedicationRoundPage />, {
      'care.round': () => [dose({})],
      'care.recordAdministration': () => ({ doseId: 'mr-1.20261125T0700Z' }),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Enregistrer' }));
    const form = screen.getByTestId('dose-form');
    await user.selectOptions(within(form).getByLabelText('État'), 'Refusée');
    await user.selectOptions(within(form).getByLabelText('Motif'), 'Refus du patient');
    await user.click(within(form).getByRole('button', { name: 'Valider' }));
    expect(calls.find((c) => c.method === 'care.recordAdministration')?.input).toEqual({
      requestId: 'mr-1',
      scheduledAt: '2026-11-25T07:00:00Z',
      outcome: 'refused',
      reason: { code: 'patient-refused' },
    });
  });

  it('a refused dose without a reason is refused in words naming the field and the rule', async () => {
    renderWithFakeDesk(<MedicationRoundPage />, {
      'care.round': () => [dose({})],
      'care.recordAdministration': () => {
        throw new FakeApiError({ code: 'invalid_input', message: 'reason', field: 'reason', rule: 'reason-required' });
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Enregistrer' }));
    const form = screen.getByTestId('dose-form');
    await user.selectOptions(within(form).getByLabelText('État'), 'Refusée');
    await user.click(within(form).getByRole('button', { name: 'Valider' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Motif : un motif est requis pour une prise non donnée');
  });
});

describe('two records of one dose', () => {
  const conflict: DoseConflict = {
    opId: 'op-9',
    doseId: 'mr-1.20261125T0700Z',
    patientId: 'demo-patient',
    patientName: 'REUTER Jean',
    medication: 'Metformine 500 mg',
    scheduledAt: '2026-11-25T07:00:00Z',
    mine: {
      by: 'Marie Hoffmann',
      outcome: 'refused',
      at: '2026-11-25T07:10:00Z',
      reason: { code: 'patient-refused', text: null },
      check: null,
    },
    theirs: { by: 'Paul Schmit', outcome: 'given', at: '2026-11-25T07:05:00Z', reason: null, check: null },
    reason: 'already recorded',
  };

  it('shows who recorded what, when, for which dose, and asks; keeping mine needs a reason', async () => {
    const { calls } = renderWithFakeDesk(<DoseConflictCard opId="op-9" />, {
      'care.doseConflicts': () => [conflict],
      'care.resolveDoseConflict': () => ({}),
    });
    const card = await screen.findByTestId('dose-conflict');
    expect(card).toHaveTextContent('Metformine 500 mg prévu(e) le');
    expect(card).toHaveTextContent('REUTER Jean');
    expect(within(card).getByRole('region', { name: 'Votre enregistrement (cet appareil)' })).toHaveTextContent(
      'Refusée par Marie Hoffmann le',
    );
    expect(within(card).getByRole('region', { name: 'Enregistrement sur la plateforme' })).toHaveTextContent(
      'Donnée par Paul Schmit le',
    );
    expect(within(card).queryByRole('button', { name: /deux|both/i })).not.toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Garder l’enregistrement de la plateforme' }));
    expect(calls.find((c) => c.method === 'care.resolveDoseConflict')?.input).toEqual({ opId: 'op-9', keep: 'theirs' });
  });
});

describe('my round', () => {
  const readiness = (over: Partial<PatientReadiness>): PatientReadiness => ({
    patientId: 'demo-patient',
    patientName: 'REUTER Jean',
    pinned: true,
    ready: true,
    missing: [],
    careRecords: 120,
    dspDocuments: 4,
    photos: 2,
    bytesOnDisk: 3 * 1024 * 1024,
    ...over,
  });

  it('says which patient is not ready and why, and the size on disk of each', async () => {
    renderWithFakeDesk(<TourPage />, {
      'care.visits': () => [
        {
          patientId: 'demo-patient',
          patientName: 'REUTER Jean',
          start: '2026-11-26T07:30:00Z',
          end: null,
          address: null,
          description: null,
        },
        {
          patientId: 'p2',
          patientName: 'KIEFFER Anne',
          start: '2026-11-26T09:00:00Z',
          end: null,
          address: null,
          description: null,
        },
      ],
      'care.readiness': () => [
        readiness({}),
        readiness({ patientId: 'p2', patientName: 'KIEFFER Anne', ready: false, missing: ['photos'] }),
      ],
    });
    const lines = await screen.findAllByTestId('readiness');
    expect(lines[0]).toHaveTextContent('Prêt');
    expect(lines[0]).toHaveTextContent('3 Mo sur cet appareil');
    expect(lines[1]).toHaveTextContent('Pas prêt');
    expect(lines[1]).toHaveTextContent('photos de plaies manquantes');
    expect(screen.getByRole('alert')).toHaveTextContent('Certains patients ne sont pas prêts');
  });
});

describe('the handover page', () => {
  it.each([
    ['fr', 'Dernières transmissions le', 'Transmissions faites'],
    ['de', 'Letzte Übergabe am', 'Übergabe erledigt'],
    ['en', 'Last handover on', 'Handover done'],
  ] as const)('says who made the last handover (%s) and records the new one', async (language, last, done) => {
    const { calls } = renderWithFakeDesk(
      <HandoverPage />,
      {
        'care.handover': () => ({
          since: '2026-11-25T06:00:00Z',
          last: { at: '2026-11-25T06:00:00Z', by: 'Practitioner/demo-nurse-2', byName: 'Claire Wagner' },
          openTasks: [],
          abnormal: [],
          notes: [],
          dosesNotGiven: [],
        }),
        'care.completeHandover': () => ({ at: '2026-11-25T14:00:00Z', records: 4 }),
      },
      language,
    );
    expect(await screen.findByText(new RegExp(`^${last} .* Claire Wagner$`))).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole('button', { name: done }));
    await waitFor(() => expect(calls.some((c) => c.method === 'care.completeHandover')).toBe(true));
  });
});
