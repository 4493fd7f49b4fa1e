/** The platform speaks FHIR R4 as a stock client (fhir-kit-client) expects. */
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LU_MATRICULE_SYSTEM } from '../../../src-shared/domain/fhir-sync';
import { DEMO_PATIENT_MATRICULE } from '../../../src-main/platform/seed/demo-accounts';
import { startTestPlatform, type TestPlatform } from './platform-harness';
import { CORRECTION_REASON_URL } from '../../../src-shared/domain/care';

const corrected = [{ url: CORRECTION_REASON_URL, valueString: 'test: value corrected' }];

let env: TestPlatform;
let client: Client;

beforeAll(async () => {
  env = await startTestPlatform();
  client = new Client({ baseUrl: env.url, bearerToken: await env.login('gp') });
});
afterAll(async () => env?.stop());

interface ClientError {
  response: { status: number; data: fhir4.OperationOutcome };
}

async function failure(promise: Promise<unknown>): Promise<ClientError['response']> {
  try {
    await promise;
  } catch (error) {
    return (error as ClientError).response;
  }
  throw new Error('expected the request to fail');
}

describe('FHIR R4 with a stock client', () => {
  it('/metadata is a CapabilityStatement listing the supported types and their search parameters', async () => {
    const cs = (await client.capabilityStatement()) as unknown as fhir4.CapabilityStatement;
    expect(cs.resourceType).toBe('CapabilityStatement');
    expect(cs.fhirVersion).toBe('4.0.1');
    const patient = cs.rest?.[0]?.resource?.find((r) => r.type === 'Patient');
    expect(patient?.searchParam?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['identifier', 'family', 'given', 'birthdate', '_id', '_lastUpdated']),
    );
    expect(patient?.interaction?.map((i) => i.code)).toEqual(
      expect.arrayContaining(['read', 'vread', 'search-type', 'create', 'update', 'delete']),
    );
    const audit = cs.rest?.[0]?.resource?.find((r) => r.type === 'AuditEvent');
    expect(audit?.interaction?.map((i) => i.code)).not.toContain('create');
  });

  it('a patient is found by matricule (PDQm)', async () => {
    const bundle = (await client.search({
      resourceType: 'Patient',
      searchParams: { identifier: `${LU_MATRICULE_SYSTEM}|${DEMO_PATIENT_MATRICULE}` },
    })) as unknown as fhir4.Bundle;
    expect(bundle.type).toBe('searchset');
    expect(bundle.entry).toHaveLength(1);
    expect((bundle.entry?.[0]?.resource as fhir4.Patient).name?.[0]?.family).toBe('Reuter');
  });

  it('create then update with If-Match bumps the version; a stale If-Match is refused with 412', async () => {
    const created = (await client.create({
      resourceType: 'Observation',
      body: {
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
        subject: { reference: 'Patient/demo-patient' },
        effectiveDateTime: '2025-02-01T08:30:00Z',
        valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
      },
    })) as unknown as fhir4.Observation;
    expect(created.id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
    expect(created.meta?.versionId).toBe('1');

    const updated = (await client.update({
      resourceType: 'Observation',
      id: created.id!,
      // A measurement is corrected by a new version that says why (issue 11).
      body: {
        ...created,
        valueQuantity: { value: 75, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
        extension: corrected,
      },
      options: { headers: { 'If-Match': 'W/"1"' } },
    })) as unknown as fhir4.Observation;
    expect(updated.meta?.versionId).toBe('2');
    expect(updated.valueQuantity?.value).toBe(75);

    const stale = await failure(
      client.update({
        resourceType: 'Observation',
        id: created.id!,
        body: {
          ...created,
          valueQuantity: { value: 80, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
          extension: corrected,
        },
        options: { headers: { 'If-Match': 'W/"1"' } },
      }),
    );
    expect(stale.status).toBe(412);
    expect(JSON.stringify(stale.data)).toContain('If-Match');

    const current = (await client.read({ resourceType: 'Observation', id: created.id! })) as unknown as fhir4.Observation;
    expect(current.valueQuantity?.value).toBe(75);
  });
});
