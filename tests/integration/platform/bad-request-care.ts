/**
 * Bad input to care records (issue 11): each a 4xx naming the element and the rule — a unit that is not UCUM
 * (mmHG), a blood pressure without its components, SpO2 of 120 %, a temperature of 60 °C, a refused dose without
 * its reason, a dose for a stopped prescription, an administration under an id of its own choosing, a silent
 * correction, and the erasure of a care record. Run by bad-requests.test.ts with the rest of the corpus (as the
 * demo GP, who cares for the demo patient through his care team).
 */
import type { MedicationRequest } from 'fhir/r4';
import { administrationOf, vitalSignObservation } from '../../../src-shared/domain/care';
import type { BadRequest } from './bad-request-corpus';

export const CARE_CORPUS_REQUEST = 'mr-corpus-active';
export const CARE_CORPUS_STOPPED_REQUEST = 'mr-corpus-stopped';
export const CARE_CORPUS_VITAL = 'vs-corpus-pulse';

/** The prescriptions the cases refer to (written by bad-requests.test.ts before the corpus runs). */
export function careCorpusRequests(): MedicationRequest[] {
  const base = (id: string, status: MedicationRequest['status']): MedicationRequest => ({
    resourceType: 'MedicationRequest',
    id,
    status,
    intent: 'order',
    subject: { reference: 'Patient/demo-patient' },
    medicationCodeableConcept: { text: 'Bisoprolol 5 mg' },
    dosageInstruction: [{ timing: { repeat: { timeOfDay: ['08:00:00'] } } }],
  });
  return [base(CARE_CORPUS_REQUEST, 'active'), base(CARE_CORPUS_STOPPED_REQUEST, 'stopped')];
}

const at = { patient: 'Patient/demo-patient', effective: '2026-06-01T08:00:00+02:00' };
const dose = (request: MedicationRequest, outcome: 'given' | 'refused') =>
  administrationOf({
    request,
    scheduledAt: '2026-06-01T06:00:00Z',
    outcome,
    effective: '2026-06-01T08:05:00+02:00',
    performer: 'Practitioner/demo-gp',
  });

export function careRecordCases(): BadRequest[] {
  const [active, stopped] = careCorpusRequests() as [MedicationRequest, MedicationRequest];
  const bp = vitalSignObservation(at, { systolic: 130, diastolic: 80 });
  const mmHG = structuredClone(bp);
  mmHG.component![0]!.valueQuantity!.code = 'mmHG';
  const refused = dose(active, 'refused');
  const forStopped = dose(stopped, 'given');
  const minted = { ...dose(active, 'given'), id: undefined };
  return [
    {
      name: 'care: a blood pressure in mmHG (not the UCUM unit mm[Hg])',
      method: 'POST',
      path: '/fhir/Observation',
      body: mmHG,
      status: 422,
      diagnostics:
        'Observation.component[0].valueQuantity.code: "mmHG" is not the UCUM unit of Systolic blood pressure (expected "mm[Hg]") [rule ucum-unit]',
    },
    {
      name: 'care: a blood pressure without its components',
      method: 'POST',
      path: '/fhir/Observation',
      body: { ...bp, component: [bp.component![0]] },
      status: 422,
      diagnostics:
        'Observation.component: a blood pressure panel needs its systolic and diastolic components (missing diastolic (8462-4)) [rule bp-components]',
    },
    {
      name: 'care: SpO2 of 120 %',
      method: 'POST',
      path: '/fhir/Observation',
      body: vitalSignObservation(at, { spo2: 120 }),
      status: 422,
      diagnostics:
        'Observation.valueQuantity.value: 120 % is not a plausible Oxygen saturation in Arterial blood by Pulse oximetry (50–100 %) [rule plausible-range]',
    },
    {
      name: 'care: a temperature of 60 °C',
      method: 'POST',
      path: '/fhir/Observation',
      body: vitalSignObservation(at, { temperature: 60 }),
      status: 422,
      diagnostics: 'Observation.valueQuantity.value: 60 °C is not a plausible Body temperature (25–45 °C) [rule plausible-range]',
    },
    {
      name: 'care: a refused dose without its reason',
      method: 'PUT',
      path: `/fhir/MedicationAdministration/${refused.id}`,
      body: refused,
      status: 422,
      diagnostics: 'MedicationAdministration.statusReason: a refused dose needs its reason [rule reason-required]',
    },
    {
      name: 'care: a dose for a stopped prescription',
      method: 'PUT',
      path: `/fhir/MedicationAdministration/${forStopped.id}`,
      body: forStopped,
      status: 422,
      diagnostics: `MedicationAdministration.request: MedicationRequest/${CARE_CORPUS_STOPPED_REQUEST} is stopped: no dose can be recorded against it [rule prescription-not-active]`,
    },
    {
      name: 'care: an administration under an id of its own (not the dose’s)',
      method: 'POST',
      path: '/fhir/MedicationAdministration',
      body: minted,
      status: 422,
      diagnostics: `is not the id of the dose MedicationRequest/${CARE_CORPUS_REQUEST} at 2026-06-01T06:00:00Z (expected "${CARE_CORPUS_REQUEST}.20260601T0600Z") [rule dose-id]`,
    },
    {
      name: 'care: a measurement corrected without saying why',
      method: 'PUT',
      path: `/fhir/Observation/${CARE_CORPUS_VITAL}`,
      body: { ...vitalSignObservation({ ...at, id: CARE_CORPUS_VITAL }, { pulse: 75 }) },
      headers: { 'If-Match': 'W/"1"' },
      status: 422,
      diagnostics: 'corrects a recorded fact and must say why',
    },
    {
      name: 'care: erasing a care record',
      method: 'DELETE',
      path: `/fhir/Observation/${CARE_CORPUS_VITAL}`,
      status: 405,
      diagnostics: 'never erased [rule no-deletion]',
    },
  ];
}
