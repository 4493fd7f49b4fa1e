import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LU_MATRICULE_SYSTEM } from '../../../src-shared/domain/fhir-sync';
import { isAdministratorRole } from '../../../src-shared/domain/directory';
import { checkMatricule, makeMatricule } from '../../../src-shared/domain/matricule';
import { FhirError } from '../../../src-main/platform/fhir/fhir-error';
import { parseFhirDate } from '../../../src-main/platform/fhir/fhir-date';
import { resourceTypeDef } from '../../../src-main/platform/fhir/resource-types';
import { validateResource } from '../../../src-main/platform/fhir/validation';
import { generateSeed } from '../../../src-main/platform/seed/generate';

const vectors = JSON.parse(readFileSync(new URL('../../../../shared/testdata/matricules.json', import.meta.url), 'utf8')) as {
  invalid: Array<{ value: string }>;
};
const patientDef = resourceTypeDef('Patient')!;
const today = new Date(Date.UTC(2026, 0, 1));

const patient = (matricule: string): fhir4.Patient => ({
  resourceType: 'Patient',
  name: [{ family: 'Weber' }],
  birthDate: '1966-03-13',
  identifier: [{ system: LU_MATRICULE_SYSTEM, value: matricule }],
});

function issues(resource: fhir4.FhirResource, def = patientDef): string[] {
  try {
    validateResource(def, resource, today);
    return [];
  } catch (error) {
    if (error instanceof FhirError) return error.issues.map((i) => `${i.expression}|${i.diagnostics}`);
    throw error;
  }
}

describe('resource validation', () => {
  // Validation delegates to src-shared's checkMatricule; its own test owns the test vectors. Here:
  // whatever checkMatricule accepts passes, so the platform adds no rule of its own.
  it.each(['1966031366602', makeMatricule(1970, 0, 0, 129), makeMatricule(2004, 2, 29, 7)])(
    'a matricule checkMatricule accepts (%s) is accepted',
    (value) => {
      expect(checkMatricule(value, today).valid).toBe(true);
      expect(issues(patient(value))).toEqual([]);
    },
  );

  it.each(vectors.invalid.map((v) => v.value))(
    'the invalid matricule "%s" is refused at Patient.identifier[0].value',
    (value) => {
      const [issue] = issues(patient(value));
      expect(issue).toContain('Patient.identifier[0].value|');
      expect(issue).toContain(`rule ${(checkMatricule(value, today) as { rule: string }).rule}`);
    },
  );

  it('a matricule under another identifier system is not checked as one', () => {
    expect(issues({ ...patient('123'), identifier: [{ system: 'urn:other', value: '123' }] } as fhir4.Patient)).toEqual([]);
  });

  it('every element our profile requires beyond R4 is reported with its FHIRPath, not only the first', () => {
    const found = issues({ resourceType: 'Patient' });
    expect(found).toEqual([
      'Patient.name|Patient.name: required element missing (min cardinality 1)',
      'Patient.birthDate|Patient.birthDate: required element missing (min cardinality 1)',
    ]);
  });

  it('codes outside a declared value set are refused', () => {
    const [issue] = issues({ ...patient('1966031366602'), gender: 'x' as 'male' } as fhir4.Patient);
    expect(issue).toContain('Patient.gender|Patient.gender: "x" is not in value set');
  });

  it('references must be relative Type/id of a supported type (existence is checked by the store)', () => {
    const def = resourceTypeDef('Observation')!;
    const result = validateResource(def, {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      subject: { reference: 'Patient/p1' },
    } as fhir4.Observation);
    expect(result.references).toEqual([{ type: 'Patient', id: 'p1', expression: 'Observation.subject.reference' }]);
    expect(
      issues(
        {
          resourceType: 'Observation',
          status: 'final',
          code: { text: 'x' },
          subject: { reference: 'patient 1' },
        } as fhir4.Observation,
        def,
      )[0],
    ).toContain('not a reference of the form Type/id');
  });
});

describe('FHIR dates', () => {
  it('a partial date covers the whole period it names', () => {
    expect(parseFhirDate('1966')).toEqual({ low: Date.UTC(1966, 0, 1), high: Date.UTC(1967, 0, 1) - 1 });
    expect(parseFhirDate('2024-02-29')).toEqual({ low: Date.UTC(2024, 1, 29), high: Date.UTC(2024, 2, 1) - 1 });
    expect(parseFhirDate('2025-01-01T10:00:00+01:00')).toEqual({
      low: Date.UTC(2025, 0, 1, 9),
      high: Date.UTC(2025, 0, 1, 9) + 999,
    });
  });

  it('impossible dates are refused', () => {
    for (const bad of ['2023-02-29', '2025-13-01', '2025-00', '2025-01-01T24:00:00Z', '25-01-01', '2025-1-1'])
      expect(parseFhirDate(bad), bad).toBeNull();
  });
});

describe('seed generator', () => {
  it('is deterministic and produces only valid resources, valid matricules and one administrator per demo organisation', () => {
    // Care records are dated from `today`: the same day for both runs.
    const today = new Date('2026-06-01T10:00:00Z');
    const a = [...generateSeed({ mode: 'demo', patients: 50, docsPerPatient: 2, today })];
    const b = [...generateSeed({ mode: 'demo', patients: 50, docsPerPatient: 2, today })];
    expect(a.map((i) => i.resource)).toEqual(b.map((i) => i.resource));
    const matricules = new Set<string>();
    for (const item of a) {
      const def = resourceTypeDef(item.resource.resourceType)!;
      expect(() => validateResource(def, item.resource)).not.toThrow();
      if (item.resource.resourceType === 'Patient') {
        const value = item.resource.identifier![0]!.value!;
        expect(checkMatricule(value).valid, value).toBe(true);
        matricules.add(value);
      }
    }
    // Unique: 50 generated, both demo patients, and IdeoMed's 3 home patients, 6 residents and 2 day-centre guests.
    expect(matricules.size).toBe(63);
    const roles = new Set(
      a
        .filter((i) => i.resource.resourceType === 'PractitionerRole')
        .map((i) => (i.resource as fhir4.PractitionerRole).code![0]!.coding![0]!.code),
    );
    // library-editor: the public library's editor (issue 13), at the eSanté agency.
    expect([...roles].sort()).toEqual([
      'administrator',
      'care-aide',
      'facility-admin',
      'gp',
      'library-editor',
      'nurse',
      'secretary',
      'specialist',
    ]);
    // One administrator per demo organisation, who grants its memberships (ARCHITECTURE §5 Directory).
    const administrators = a
      .map((i) => i.resource)
      .filter(
        (r): r is fhir4.PractitionerRole & { id: string } => r.resourceType === 'PractitionerRole' && isAdministratorRole(r),
      )
      .map((r) => `${r.id} ${r.organization?.reference} ${r.practitioner?.reference}`)
      .sort();
    expect(administrators).toEqual([
      'admin-demo-org-carehome Organization/demo-org-carehome Practitioner/demo-facility-admin',
      'admin-demo-org-daycentre Organization/demo-org-daycentre Practitioner/demo-facility-admin',
      'admin-demo-org-homecare Organization/demo-org-homecare Practitioner/demo-facility-admin',
      'admin-demo-org-homecare-nursing Organization/demo-org-homecare-nursing Practitioner/demo-facility-admin',
      'admin-demo-org-hospital Organization/demo-org-hospital Practitioner/demo-specialist',
      'admin-demo-org-practice Organization/demo-org-practice Practitioner/demo-gp',
    ]);
  });
});
