/**
 * The patient simulator and presence codes (issue 5): only the holder changes their DSP's rights,
 * rights are versioned Consents, a presence code is single use, bound to one patient, expires, and
 * locks after 5 wrong tries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { DSP_CONSENT_SYSTEM } from '../../../src-shared/domain/dsp';
import { createDocument, mustSimulate, simulate, type Json } from './dsp-harness';

let env: TestPlatform;
let patient: string;
let gp: string;
let specialist: string;
let nurse: string;

const redeem = (token: string, code: unknown, patientId = 'demo-patient') =>
  env.request('POST', `/fhir/Patient/${patientId}/$redeem-presence-code`, {
    token,
    body: { code },
    contentType: 'application/json',
  });
const codeOf = (issued: Json): string => issued.parameter.find((p: Json) => p.name === 'code').valueString;

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  [patient, gp, specialist, nurse] = await Promise.all([
    env.login('patient'),
    env.login('gp'),
    env.login('specialist'),
    env.login('nurse'),
  ]);
});
afterAll(() => env?.stop());

describe('patient simulator', () => {
  it('only the holder may change their DSP: a professional gets 403 and nothing is written', async () => {
    const before = await env.platform.fingerprint();
    for (const [operation, body] of [
      ['set-referent', { practitioner: 'Practitioner/demo-specialist' }],
      ['add-to-trust-circle', { practitioner: 'Practitioner/demo-specialist' }],
      ['close-dsp', {}],
      ['issue-presence-code', {}],
    ] as const) {
      expect((await simulate(env, gp, 'demo-patient', operation, body)).status).toBe(403);
    }
    // Another patient's DSP, or one that does not exist: the same 403.
    expect((await simulate(env, patient, 'pat-000001', 'close-dsp')).status).toBe(403);
    expect((await env.request('GET', '/fhir/Patient/demo-patient/$access-log', { token: gp })).status).toBe(403);
    expect((await env.platform.fingerprint()).hash).toBe(before.hash);
  });

  it('a right is a versioned Consent with the actor, the restricted label and the DSP category', async () => {
    const added = await mustSimulate(env, patient, 'demo-patient', 'add-to-trust-circle', {
      practitioner: 'Practitioner/demo-specialist',
      restricted: true,
    });
    expect(added).toMatchObject({
      resourceType: 'Consent',
      status: 'active',
      patient: { reference: 'Patient/demo-patient' },
      category: [{ coding: [{ system: DSP_CONSENT_SYSTEM, code: 'trust-circle' }] }],
      provision: { actor: [{ reference: { reference: 'Practitioner/demo-specialist' } }], securityLabel: [{ code: 'R' }] },
    });
    const removed = await mustSimulate(env, patient, 'demo-patient', 'remove-from-trust-circle', {
      practitioner: 'Practitioner/demo-specialist',
    });
    expect(removed.status).toBe('inactive');
    expect(Number(removed.meta.versionId)).toBe(Number(added.meta.versionId) + 1);
  });

  it('DSP Consents cannot be written directly, even by the holder', async () => {
    const consent = {
      resourceType: 'Consent',
      status: 'active',
      scope: { text: 'x' },
      category: [{ coding: [{ system: DSP_CONSENT_SYSTEM, code: 'referent' }] }],
      patient: { reference: 'Patient/demo-patient' },
      provision: { actor: [{ reference: { reference: 'Practitioner/demo-specialist' } }] },
    };
    expect((await env.request('POST', '/fhir/Consent', { token: gp, body: consent })).status).toBe(403);
    expect((await env.request('POST', '/fhir/Consent', { token: patient, body: consent })).status).toBe(403);
    expect(
      (
        await env.request('PUT', '/fhir/Consent/dsp-demo-patient-ref', {
          token: gp,
          body: { ...consent, id: 'dsp-demo-patient-ref' },
          headers: { 'If-Match': 'W/"1"' },
        })
      ).status,
    ).toBe(403);
  });

  it('bad simulator input is a 4xx naming the field, never a 5xx', async () => {
    const cases: Array<[string, Json, number, string]> = [
      ['set-referent', {}, 400, 'practitioner'],
      ['set-referent', { practitioner: 'Patient/demo-patient' }, 400, 'practitioner'],
      ['set-referent', { practitioner: 'Practitioner/nobody' }, 422, 'practitioner'],
      ['set-confidentiality', { document: 'DocumentReference/x', confidentiality: 'X' }, 400, 'confidentiality'],
      ['hide-document', { document: 'DocumentReference/nope' }, 404, 'DocumentReference/nope'],
      ['issue-presence-code', { ttlSeconds: 0 }, 400, 'ttlSeconds'],
      ['remove-from-trust-circle', { practitioner: 'Practitioner/demo-care-aide' }, 404, 'no such right'],
    ];
    for (const [operation, body, status, names] of cases) {
      const result = await simulate(env, patient, 'demo-patient', operation, body);
      expect({ operation, status: result.status }).toEqual({ operation, status });
      expect(result.json.issue[0].diagnostics).toContain(names);
    }
  });

  it('the access log shows who read the holder’s documents, allowed or refused', async () => {
    const doc = await createDocument(env, gp, 'demo-patient');
    expect((await env.request('GET', `/fhir/DocumentReference/${doc.id}`, { token: nurse })).status).toBe(200);
    expect((await env.request('GET', `/fhir/DocumentReference/${doc.id}`, { token: specialist })).status).toBe(403);
    const log = await env.request('GET', '/fhir/Patient/demo-patient/$access-log', { token: patient });
    const about = (log.json.entry as Json[])
      .map((e) => e.resource)
      .filter((a) => a.entity.some((x: Json) => x.what?.reference?.startsWith(`DocumentReference/${doc.id}`)));
    const summary = about.map((a) => `${a.agent[0].who.reference} ${a.action} ${a.outcome}`);
    expect(summary).toEqual(
      expect.arrayContaining(['Practitioner/demo-nurse R 0', 'Practitioner/demo-specialist R 4', 'Practitioner/demo-gp C 0']),
    );
    expect(about.find((a) => a.outcome === '4').outcomeDesc).toContain('DSP rule 11'); // no access right
  });
});

describe('the holder’s DSP assistant', () => {
  it('acts for the holder (rule 2, before rule 5): a secretary named assistant reads everything with content and may use the simulator, until removed', async () => {
    const secretary = await env.login('secretary');
    const doc = await createDocument(env, gp, 'demo-patient', {
      meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'V' }] },
    });
    // Before: nothing at all (rule 5), not even metadata.
    const before = await env.request('GET', `/fhir/DocumentReference/${doc.id}`, { token: secretary });
    expect(before.status).toBe(403);
    expect(before.json.resourceType).toBe('OperationOutcome');
    expect((await simulate(env, secretary, 'demo-patient', 'issue-presence-code')).status).toBe(403);
    await mustSimulate(env, patient, 'demo-patient', 'add-assistant', { practitioner: 'Practitioner/demo-secretary' });
    const read = await env.request('GET', `/fhir/DocumentReference/${doc.id}`, { token: secretary });
    expect(read.status).toBe(200);
    expect(read.json.content[0].attachment.data).toBeDefined();
    expect((await simulate(env, secretary, 'demo-patient', 'issue-presence-code')).status).toBe(201);
    expect((await env.request('GET', '/fhir/Patient/demo-patient/$access-log?_count=5', { token: secretary })).status).toBe(200);
    await mustSimulate(env, patient, 'demo-patient', 'remove-assistant', { practitioner: 'Practitioner/demo-secretary' });
    expect((await env.request('GET', `/fhir/DocumentReference/${doc.id}`, { token: secretary })).status).toBe(403);
    expect((await simulate(env, secretary, 'demo-patient', 'close-dsp')).status).toBe(403);
  });

  it('a nurse named assistant reads hidden and V documents, which her care rights alone never show', async () => {
    const doc = await createDocument(env, gp, 'demo-patient', {
      meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'V' }] },
    });
    await mustSimulate(env, patient, 'demo-patient', 'hide-document', { document: `DocumentReference/${doc.id}` });
    expect((await env.request('GET', `/fhir/DocumentReference/${doc.id}`, { token: nurse })).status).toBe(404);
    await mustSimulate(env, patient, 'demo-patient', 'add-assistant', { practitioner: 'Practitioner/demo-nurse' });
    const read = await env.request('GET', `/fhir/DocumentReference/${doc.id}`, { token: nurse });
    expect(read.status).toBe(200);
    expect(read.json.content[0].attachment.data).toBeDefined();
    await mustSimulate(env, patient, 'demo-patient', 'remove-assistant', { practitioner: 'Practitioner/demo-nurse' });
    expect((await env.request('GET', `/fhir/DocumentReference/${doc.id}`, { token: nurse })).status).toBe(404);
  });
});

describe('presence codes', () => {
  it('a code gives a presence grant to the professional who redeems it, once', async () => {
    const code = codeOf(await mustSimulate(env, patient, 'demo-patient', 'issue-presence-code'));
    expect(code).toMatch(/^[0-9]{8}$/);
    const doc = await createDocument(env, gp, 'demo-patient');
    expect((await env.request('GET', `/fhir/DocumentReference/${doc.id}`, { token: specialist })).status).toBe(403);
    const grant = await redeem(specialist, code);
    expect(grant.status).toBe(201);
    expect(grant.json.provision.period.end).toBeDefined();
    expect((await env.request('GET', `/fhir/DocumentReference/${doc.id}`, { token: specialist })).status).toBe(200);
    // Single use.
    expect((await redeem(nurse, code)).status).toBe(403);
    await mustSimulate(env, patient, 'demo-patient', 'revoke-presence-grant', { practitioner: 'Practitioner/demo-specialist' });
    expect((await env.request('GET', `/fhir/DocumentReference/${doc.id}`, { token: specialist })).status).toBe(403);
  });

  it('a code is bound to its patient and expires', async () => {
    const code = codeOf(await mustSimulate(env, patient, 'demo-patient', 'issue-presence-code', { ttlSeconds: 1 }));
    expect((await redeem(specialist, code, 'demo-patient-2')).status).toBe(403); // another patient's DSP
    await new Promise((r) => setTimeout(r, 1100));
    expect((await redeem(specialist, code)).status).toBe(403);
  });

  it('after 5 wrong tries on a patient, redeeming is refused with 429 and Retry-After, even with the right code', async () => {
    // A successful redemption resets the count of earlier failures (the tests above made some).
    expect((await redeem(gp, codeOf(await mustSimulate(env, patient, 'demo-patient', 'issue-presence-code')))).status).toBe(201);
    const code = codeOf(await mustSimulate(env, patient, 'demo-patient', 'issue-presence-code'));
    const wrong = code === '00000000' ? '11111111' : '00000000';
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await redeem(nurse, wrong)).status);
    expect(statuses).toEqual([403, 403, 403, 403, 429]);
    const locked = await redeem(specialist, code);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('a patient or a role without care mandate cannot redeem a code', async () => {
    const secretary = await env.login('secretary');
    expect((await redeem(secretary, '12345678', 'pat-000002')).status).toBe(403);
    expect((await redeem(patient, '12345678', 'pat-000002')).status).toBe(403);
    expect(
      (
        await env.request('POST', '/fhir/Patient/demo-patient/$redeem-presence-code', {
          body: { code: '1' },
          contentType: 'application/json',
        })
      ).status,
    ).toBe(401);
  });
});
