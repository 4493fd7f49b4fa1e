/**
 * Structural validation against the FHIR R4 StructureDefinitions (@medplum/core's validator behind
 * checkR4Structure) and FHIR's string rule: each refusal names the element and the rule.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FhirError } from '../../../src-main/platform/fhir/fhir-error';
import { r4DefinitionsReady } from '../../../src-main/platform/fhir/r4-definitions';
import { checkR4Structure } from '../../../src-main/platform/fhir/validation';
import { generateSeed } from '../../../src-main/platform/seed/generate';

beforeAll(async () => {
  const timing = await r4DefinitionsReady();
  console.log(
    `R4 definitions: ${timing.definitions} indexed; worker read+parse ${timing.readMs.toFixed(0)} ms, main-thread index ${timing.indexMs.toFixed(0)} ms`,
  );
});

function refusal(resource: unknown): { status: number; issues: string[] } | undefined {
  try {
    checkR4Structure(resource as fhir4.Resource);
    return undefined;
  } catch (error) {
    if (!(error instanceof FhirError)) throw error;
    return { status: error.status, issues: error.issues.map((i) => `${i.expression}|${i.diagnostics}`) };
  }
}

const patient = (overrides: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  name: [{ family: 'Weber', given: ['Anna'] }],
  birthDate: '1966-03-13',
  ...overrides,
});

describe('R4 structure', () => {
  it.each([
    ['a number where R4 has a string', { name: 42 }, 'Organization.name', 'must be a JSON string, not a number'],
    [
      'a string where R4 has a boolean',
      { name: 'X', active: 'yes' },
      'Organization.active',
      'must be a JSON boolean, not a string',
    ],
    [
      'an element R4 does not define',
      { name: 'X', shoeSize: 3 },
      'Organization.shoeSize',
      '"shoeSize" is not an element FHIR R4 defines',
    ],
    ['a single value where R4 repeats', { name: 'X', alias: 'Y' }, 'Organization.alias', 'must be a JSON array'],
    ['an array where R4 has one value', { name: ['X'] }, 'Organization.name', 'must be a single value'],
    ['a null', { name: 'X', active: null }, 'Organization.active', 'empty or null'],
  ])('%s is a 400 naming the element', (_name, body, expression, rule) => {
    const result = refusal({ resourceType: 'Organization', ...body });
    expect(result?.status).toBe(400);
    expect(result?.issues.join('\n')).toContain(`${expression}|${expression}: `);
    expect(result?.issues.join('\n')).toContain(rule);
  });

  it('a malformed primitive is a 400 naming the R4 type', () => {
    expect(refusal(patient({ birthDate: '17/05/1990' }))?.issues).toEqual([
      'Patient.birthDate|Patient.birthDate: not a valid FHIR date (format of the R4 type date)',
    ]);
    expect(refusal(patient({ multipleBirthInteger: 1.5 }))?.issues[0]).toContain('Patient.multipleBirth');
  });

  it('a missing element R4 requires is a 422 naming it', () => {
    const result = refusal({ resourceType: 'Observation', status: 'final' });
    expect(result).toEqual({
      status: 422,
      issues: ['Observation.code|Observation.code: required element missing (FHIR R4 minimum cardinality 1)'],
    });
  });

  it('two types of one choice element are refused', () => {
    const result = refusal({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      valueString: 'a',
      valueInteger: 1,
    });
    expect(result?.status).toBe(400);
    expect(result?.issues.join()).toContain('only one of');
  });

  it('a contained resource of a type the platform does not serve is refused by name', () => {
    const result = refusal(patient({ contained: [{ resourceType: 'Medication', id: 'm' }] }));
    expect(result?.status).toBe(400);
    expect(result?.issues.join()).toContain('resource type Medication is not supported');
  });

  it('a valid resource passes, with tab, CR and LF in its strings', () => {
    expect(refusal(patient({ name: [{ family: 'Weber', given: ['An\tna'] }], text: undefined }))).toBeUndefined();
    expect(refusal({ resourceType: 'Organization', name: 'Cabinet\r\nWeber', active: true })).toBeUndefined();
  });

  it('attachment data may exceed 1 MB when it is base64; other strings may not', () => {
    const big = 'QUJD'.repeat(700_000); // 2.8 MB of base64
    expect(refusal({ resourceType: 'Binary', contentType: 'application/pdf', data: big })).toBeUndefined();
    const notBase64 = refusal({ resourceType: 'Binary', contentType: 'application/pdf', data: `${big}!` });
    expect(notBase64?.issues).toEqual(['Binary.data|Binary.data: not base64 (FHIR type base64Binary)']);
    const longName = refusal(patient({ name: [{ family: 'W'.repeat(1024 * 1024 + 1) }] }));
    expect(longName?.issues.join()).toContain('Patient.name[0].family: longer than 1 MB');
  });
});

describe("FHIR's string rule", () => {
  // Every string kind: string, code, uri, id-like, markdown, dateTime-free text in extensions.
  it.each([
    ['a NUL in a name (string)', patient({ name: [{ family: 'We\u0000ber' }] }), 'Patient.name[0].family', 'U+0000'],
    [
      'an escape in a given name',
      patient({ name: [{ family: 'Weber', given: ['\u001b[31mAnna'] }] }),
      'Patient.name[0].given[0]',
      'U+001B',
    ],
    ['a control character in a code', patient({ gender: 'fe\u0001male' }), 'Patient.gender', 'U+0001'],
    [
      'a control character in a uri',
      patient({ identifier: [{ system: 'urn:x\u0007', value: '1' }] }),
      'Patient.identifier[0].system',
      'U+0007',
    ],
    [
      'a control character in an extension value',
      patient({ extension: [{ url: 'https://esante.lu/x', valueString: 'a\u000bb' }] }),
      'Patient.extension[0].valueString',
      'U+000B',
    ],
  ])('%s is a 400 naming the element', (_name, resource, expression, character) => {
    const result = refusal(resource);
    expect(result?.status).toBe(400);
    expect(result?.issues[0]).toBe(
      `${expression}|${expression}: contains the control character ${character} (FHIR string rule: no characters below U+0020 except tab, CR and LF)`,
    );
  });
});

describe('the seed generator', () => {
  it('yields only resources valid against the R4 StructureDefinitions', () => {
    for (const mode of ['demo', 'none'] as const) {
      for (const item of generateSeed({ mode, patients: 30, docsPerPatient: 3 })) {
        const result = refusal(item.resource);
        expect(result, `${item.resource.resourceType}/${item.resource.id}: ${JSON.stringify(result)}`).toBeUndefined();
      }
    }
  });

  it('reports the cost per resource (printed, not asserted: machine speed is no rule)', () => {
    const resources = [...generateSeed({ mode: 'demo', patients: 100, docsPerPatient: 5 })].map((i) => i.resource);
    const started = performance.now();
    for (const resource of resources) checkR4Structure(resource);
    const perResource = (performance.now() - started) / resources.length;
    console.log(`R4 structure check: ${resources.length} seed resources, ${perResource.toFixed(3)} ms per resource`);
    expect(resources.length).toBeGreaterThan(500);
  });
});

describe('a body checked twice (by a domain, then by the repository)', () => {
  it('is judged again in full when it changed in between, however it changed', () => {
    const body: Record<string, unknown> = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'pouls' },
      subject: { reference: 'Patient/demo-patient' },
    };
    expect(refusal(body)).toBeUndefined();
    expect(refusal(body)).toBeUndefined();
    body.status = 5; // a number where R4 has a code
    expect(refusal(body)?.status).toBe(400);
    body.status = 'final';
    expect(refusal(body)).toBeUndefined();
    (body.code as Record<string, unknown>).bogus = 1; // a change deep inside
    expect(refusal(body)?.issues.join()).toContain('bogus');
    delete (body.code as Record<string, unknown>).bogus;
    expect(refusal(body)).toBeUndefined();
    body.issued = undefined; // a member set to undefined is not an absent one
    expect(refusal(body)).toEqual(refusal({ ...body, issued: undefined }));
  });
});
