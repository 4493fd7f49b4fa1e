/**
 * A patient's identity in the patient directory (PDQm): the matricule names one patient only, and a
 * new or changed name that merely looks like another patient's (Latin "Weber" against Cyrillic "Wеber")
 * is flagged, because documents and messages filed under a look-alike reach the wrong person.
 *
 * - A matricule already held by another Patient: 409 naming that Patient (ARCHITECTURE §5).
 * - A look-alike name: a warning issue for the OperationOutcome of the 201/200, never a refusal —
 *   different people do share names; the professional decides.
 */
import { LU_MATRICULE_SYSTEM } from '../../../src-shared/domain/fhir-sync';
import { parseFhirDate } from '../fhir/fhir-date';
import { FhirError, type Issue } from '../fhir/fhir-error';
import type { Criterion, SearchRequest } from '../fhir/search-query';
import type { StorageTx } from '../storage/platform-storage';
import { confusableSkeleton } from './confusable-skeleton';

/** Look-alike candidates examined per check: the same birth date, or a family name spelled like the skeleton. */
const CANDIDATES = 50;

function search(type: string, criteria: Criterion[], count: number): SearchRequest {
  return { resourceType: type, criteria, sort: { key: '_seq', descending: false }, count };
}

/** The full name as one comparable text: family then given names, in order. */
function fullName(name: fhir4.HumanName): string {
  return [name.family ?? '', ...(name.given ?? [])].join(' ').trim();
}

async function refuseDuplicateMatricule(tx: StorageTx, patient: fhir4.Patient, id: string, snapshot: number): Promise<void> {
  for (const [index, identifier] of (patient.identifier ?? []).entries()) {
    if (identifier.system !== LU_MATRICULE_SYSTEM || typeof identifier.value !== 'string') continue;
    const criteria: Criterion[] = [
      { kind: 'token', param: 'identifier', values: [{ system: LU_MATRICULE_SYSTEM, code: identifier.value }] },
    ];
    const holder = (await tx.search(search('Patient', criteria, 2), snapshot)).rows.find((row) => row.id !== id);
    if (holder) {
      const expression = `Patient.identifier[${index}].value`;
      throw new FhirError(409, {
        code: 'duplicate',
        diagnostics: `${expression}: matricule "${identifier.value}" already belongs to Patient/${holder.id} (a matricule is unique among patients)`,
        expression,
      });
    }
  }
}

async function lookAlikeCandidates(tx: StorageTx, patient: fhir4.Patient, snapshot: number): Promise<fhir4.Patient[]> {
  const found = new Map<string, fhir4.Patient>();
  const collect = async (criterion: Criterion) => {
    for (const row of (await tx.search(search('Patient', [criterion], CANDIDATES), snapshot)).rows)
      if (row.resource) found.set(row.id, row.resource as fhir4.Patient);
  };
  const born = patient.birthDate === undefined ? null : parseFhirDate(patient.birthDate);
  if (born) await collect({ kind: 'date', param: 'birthdate', values: [{ prefix: 'eq', ...born }] });
  // A look-alike of an existing Latin name finds it through the family name its skeleton spells.
  for (const name of patient.name ?? []) {
    const family = confusableSkeleton(name.family ?? '');
    if (family.length > 0) await collect({ kind: 'string', param: 'family', match: 'exact', values: [family] });
  }
  return [...found.values()];
}

function lookAlikeWarnings(patient: fhir4.Patient, id: string, candidates: fhir4.Patient[]): Issue[] {
  const warnings: Issue[] = [];
  for (const [index, name] of (patient.name ?? []).entries()) {
    const text = fullName(name).normalize('NFC');
    const skeleton = confusableSkeleton(text);
    if (skeleton.length === 0) continue;
    for (const other of candidates) {
      if (other.id === id) continue;
      const match = (other.name ?? []).map((n) => fullName(n).normalize('NFC')).find((n) => confusableSkeleton(n) === skeleton);
      if (match === undefined || match === text) continue; // identical spellings are homonyms, not look-alikes
      const expression = `Patient.name[${index}]`;
      warnings.push({
        severity: 'warning',
        code: 'duplicate',
        diagnostics: `${expression}: "${text}" looks like "${match}" of Patient/${other.id} (same Unicode confusable skeleton): check that this is not the same person or a spoofed name`,
        expression,
      });
    }
  }
  return warnings;
}

/**
 * Checks a Patient about to be written under `id`: throws a 409 when its matricule belongs to another
 * Patient; returns warning issues for names that look like another Patient's.
 */
export async function checkPatientIdentity(tx: StorageTx, patient: fhir4.Patient, id: string): Promise<Issue[]> {
  // Two Patients with one matricule written at once (on two instances of a shared platform): the second
  // waits here until the first committed, and its snapshot, taken after, sees it.
  for (const identifier of patient.identifier ?? [])
    if (identifier.system === LU_MATRICULE_SYSTEM && typeof identifier.value === 'string')
      await tx.lock(`matricule:${identifier.value}`);
  const snapshot = await tx.currentSequence();
  await refuseDuplicateMatricule(tx, patient, id, snapshot);
  return lookAlikeWarnings(patient, id, await lookAlikeCandidates(tx, patient, snapshot));
}
