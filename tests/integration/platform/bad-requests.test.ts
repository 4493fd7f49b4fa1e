/**
 * A corpus of client mistakes: the hand-written cases below and the generated families of
 * bad-request-corpus.ts. Every one must be refused with a 4xx OperationOutcome whose diagnostics name
 * the problem, never a 5xx, and must leave the database exactly as it was.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LU_MATRICULE_SYSTEM } from '../../../src-shared/domain/fhir-sync';
import { encodeCursor } from '../../../src-main/platform/fhir/changes-cursor';
import { CORRECTION_REASON_URL } from '../../../src-shared/domain/care';
import { demoAccount } from '../../../src-main/platform/seed/demo-accounts';
import {
  CORPUS_PATIENT_MATRICULE,
  generatedCases,
  organizationUpdate,
  requestWithHost,
  type BadRequest,
  type CorpusState,
  type Who,
} from './bad-request-corpus';
import { startTestPlatform, type RequestOptions, type TestPlatform } from './platform-harness';
import { CARE_CORPUS_VITAL, careCorpusRequests, careRecordCases } from './bad-request-care';
import { vitalSignObservation } from '../../../src-shared/domain/care';

interface MatriculeVectors {
  invalid: Array<{ value: string; why: string }>;
}
const vectors = JSON.parse(
  readFileSync(new URL('../../../../shared/testdata/matricules.json', import.meta.url), 'utf8'),
) as MatriculeVectors;

const BODY_LIMIT = 256 * 1024;

const patient = (overrides: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  name: [{ family: 'Kieffer', given: ['Lara'] }],
  birthDate: '1990-05-17',
  ...overrides,
});
const observation = (overrides: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: 'Patient/demo-patient' },
  // A pulse is a vital sign: its value in UCUM, or the care rules refuse it (issue 11).
  valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  ...overrides,
});
const document = (overrides: Record<string, unknown> = {}) => ({
  resourceType: 'DocumentReference',
  status: 'current',
  subject: { reference: 'Patient/demo-patient' },
  content: [{ attachment: { contentType: 'text/plain', data: 'SGVsbG8=' } }],
  ...overrides,
});

let env: TestPlatform;
let shortLived: TestPlatform;
const tokens: Partial<Record<Who, string>> = {};
/** An Observation at version 2, created under a fixed id so the cases can name it. */
const observationId = 'obs-fixture';
const binaryId = 'bin-fixture';
let epoch = '';
const USED_OPERATION_ID = 'op-bad-requests-0001';
const corpus: CorpusState = { port: 0, patientId: '' };

beforeAll(async () => {
  [env, shortLived] = await Promise.all([
    startTestPlatform({ bodyLimitBytes: BODY_LIMIT }),
    startTestPlatform({ seed: 'none', accessTokenTtlSeconds: 1 }),
  ]);
  tokens.gp = await env.login('gp');
  tokens.patient = await env.login('patient');
  tokens.secretary = await env.login('secretary');
  tokens.expired = await shortLived.login('gp');

  // Fixtures the cases refer to: an Observation at version 2, and an operation id already used.
  const created = await env.request('PUT', `/fhir/Observation/${observationId}`, {
    token: tokens.gp,
    body: { ...observation(), id: observationId },
  });
  expect(created.status).toBe(201);
  await env.request('PUT', `/fhir/Observation/${observationId}`, {
    token: tokens.gp,
    // A recorded measurement is corrected by a new version that says why (issue 11).
    body: { ...created.json, status: 'amended', extension: [{ url: CORRECTION_REASON_URL, valueString: 'corpus fixture' }] },
    headers: { 'If-Match': 'W/"1"' },
  });
  const binary = { resourceType: 'Binary', id: binaryId, contentType: 'text/plain' };
  expect((await env.request('PUT', `/fhir/Binary/${binaryId}`, { token: tokens.gp, body: binary })).status).toBe(201);
  const binaryV2 = await env.request('PUT', `/fhir/Binary/${binaryId}`, {
    token: tokens.gp,
    body: { ...binary, contentType: 'text/csv' },
    headers: { 'If-Match': 'W/"1"' },
  });
  expect(binaryV2.status).toBe(200);
  // The care cases' prescriptions (one active, one stopped) and a measurement at version 1.
  for (const request of careCorpusRequests())
    expect((await env.request('PUT', `/fhir/MedicationRequest/${request.id}`, { token: tokens.gp, body: request })).status).toBe(
      201,
    );
  const vital = vitalSignObservation(
    { id: CARE_CORPUS_VITAL, patient: 'Patient/demo-patient', effective: '2026-06-01T08:00:00Z' },
    { pulse: 72 },
  );
  expect((await env.request('PUT', `/fhir/Observation/${CARE_CORPUS_VITAL}`, { token: tokens.gp, body: vital })).status).toBe(
    201,
  );
  const used = await env.request('POST', '/fhir/Observation', {
    token: tokens.gp,
    body: observation(),
    headers: { 'X-Operation-Id': USED_OPERATION_ID },
  });
  expect(used.status).toBe(201);
  const own = await env.request('POST', '/fhir/Patient', {
    token: tokens.gp,
    body: { ...patient(), identifier: [{ system: LU_MATRICULE_SYSTEM, value: CORPUS_PATIENT_MATRICULE }] },
  });
  expect(own.status).toBe(201);
  Object.assign(corpus, { port: env.platform.port, patientId: own.json.id as string });
  const feed = await env.request('GET', '/fhir/$changes?_count=1', { token: tokens.gp });
  epoch = Buffer.from(feed.json.extension[0].valueString, 'base64url').toString().split('.')[1] ?? '';
  await new Promise((resolve) => setTimeout(resolve, 2100)); // let the short-lived token expire
});
afterAll(async () => Promise.all([env?.stop(), shortLived?.stop()]));

const matriculeCases: BadRequest[] = vectors.invalid.map(({ value, why }) => ({
  name: `an invalid matricule is refused (${why})`,
  method: 'POST',
  path: '/fhir/Patient',
  body: patient({ identifier: [{ system: LU_MATRICULE_SYSTEM, value }] }),
  status: 422,
  diagnostics: `Patient.identifier[0].value: matricule "${value}" is invalid`,
}));

function cases(): BadRequest[] {
  return [...handWritten(), ...generatedCases(() => corpus), ...careRecordCases()];
}

function handWritten(): BadRequest[] {
  const obsPath = `/fhir/Observation/${observationId}`;
  // An update of a measurement says why (issue 11), so these cases reach the version checks.
  const obsBody = {
    ...observation(),
    id: observationId,
    extension: [{ url: CORRECTION_REASON_URL, valueString: 'corpus case' }],
  };
  return [
    // ── Body and content type ──
    {
      name: 'malformed JSON',
      method: 'POST',
      path: '/fhir/Patient',
      rawBody: '{"resourceType": "Patient",',
      status: 400,
      diagnostics: 'not valid JSON',
    },
    {
      name: 'empty JSON body',
      method: 'POST',
      path: '/fhir/Patient',
      rawBody: '',
      contentType: 'application/fhir+json',
      status: 400,
      diagnostics: 'body',
    },
    {
      name: 'a JSON array instead of a resource',
      method: 'POST',
      path: '/fhir/Patient',
      body: [patient()],
      status: 400,
      diagnostics: 'must be a JSON object',
    },
    {
      name: 'a JSON string instead of a resource',
      method: 'POST',
      path: '/fhir/Patient',
      body: 'Patient',
      status: 400,
      diagnostics: 'must be a JSON object',
    },
    {
      name: 'resourceType differs from the URL',
      method: 'POST',
      path: '/fhir/Patient',
      body: observation(),
      status: 400,
      diagnostics: 'expected Patient but got "Observation"',
    },
    {
      name: 'resourceType missing',
      method: 'POST',
      path: '/fhir/Patient',
      body: { name: [{ family: 'X' }] },
      status: 400,
      diagnostics: 'resourceType: required',
    },
    {
      name: 'text/plain content type',
      method: 'POST',
      path: '/fhir/Patient',
      rawBody: JSON.stringify(patient()),
      contentType: 'text/plain',
      status: 415,
      diagnostics: 'Content-Type',
    },
    {
      name: 'XML content type',
      method: 'POST',
      path: '/fhir/Patient',
      rawBody: '<Patient/>',
      contentType: 'application/fhir+xml',
      status: 415,
      diagnostics: 'application/fhir+json',
    },
    {
      name: 'a body larger than the limit',
      method: 'POST',
      path: '/fhir/Binary',
      rawBody: JSON.stringify({ resourceType: 'Binary', contentType: 'text/plain', data: 'A'.repeat(BODY_LIMIT) }),
      status: 413,
      diagnostics: 'larger than',
    },
    {
      name: 'a __proto__ key (prototype poisoning)',
      method: 'POST',
      path: '/fhir/Patient',
      rawBody: '{"resourceType":"Patient","__proto__":{"admin":true}}',
      status: 400,
      diagnostics: '__proto__',
    },
    {
      name: 'an unsupported resource type',
      method: 'POST',
      path: '/fhir/Spaceship',
      body: { resourceType: 'Spaceship' },
      status: 404,
      diagnostics: 'Spaceship',
    },
    {
      name: 'an id too long in the URL',
      method: 'GET',
      path: `/fhir/Patient/${'x'.repeat(65)}`,
      status: 400,
      diagnostics: 'not a valid id',
    },
    {
      name: 'an invalid id in the body',
      method: 'POST',
      path: '/fhir/Patient',
      body: patient({ id: 'bad id!' }),
      status: 400,
      diagnostics: 'Patient.id',
    },
    {
      name: 'a method the server does not offer',
      method: 'PATCH',
      path: '/fhir/Patient/demo-patient',
      body: [],
      status: 405,
      diagnostics: 'PATCH is not supported',
    },
    {
      name: 'an unknown endpoint',
      method: 'GET',
      path: '/fhir/Patient/demo-patient/$everything',
      status: 404,
      diagnostics: 'no such endpoint',
    },
    // ── Search ──
    {
      name: 'an undeclared search parameter',
      method: 'GET',
      path: '/fhir/Patient?foo=bar',
      status: 400,
      diagnostics: '"foo" is not supported for Patient',
    },
    {
      name: 'an unsupported modifier',
      method: 'GET',
      path: '/fhir/Patient?family:missing=true',
      status: 400,
      diagnostics: ':missing',
    },
    { name: '_count of zero', method: 'GET', path: '/fhir/Patient?_count=0', status: 400, diagnostics: '_count' },
    { name: '_count not a number', method: 'GET', path: '/fhir/Patient?_count=ten', status: 400, diagnostics: '_count' },
    { name: '_count beyond the maximum', method: 'GET', path: '/fhir/Patient?_count=100000', status: 400, diagnostics: '_count' },
    {
      name: '_count given twice',
      method: 'GET',
      path: '/fhir/Patient?_count=5&_count=6',
      status: 400,
      diagnostics: 'more than once',
    },
    {
      name: '_sort on an unsortable parameter',
      method: 'GET',
      path: '/fhir/Patient?_sort=family',
      status: 400,
      diagnostics: '_sort',
    },
    {
      name: 'an impossible date',
      method: 'GET',
      path: '/fhir/Patient?birthdate=1990-13-01',
      status: 400,
      diagnostics: 'birthdate',
    },
    {
      name: 'an unknown date prefix',
      method: 'GET',
      path: '/fhir/Patient?birthdate=xx1990',
      status: 400,
      diagnostics: 'prefix "xx"',
    },
    { name: 'an empty search value', method: 'GET', path: '/fhir/Patient?family=', status: 400, diagnostics: 'empty value' },
    { name: 'a malformed page token', method: 'GET', path: '/fhir/Patient?_page=not-a-token', status: 400, diagnostics: '_page' },
    {
      name: 'a reference of a type the parameter does not target',
      method: 'GET',
      path: '/fhir/DocumentReference?patient=Practitioner/demo-gp',
      status: 400,
      diagnostics: 'not a target',
    },
    {
      name: 'a chained parameter',
      method: 'GET',
      path: '/fhir/DocumentReference?subject.name=Reuter',
      status: 400,
      diagnostics: 'subject.name',
    },
    {
      name: '_include of a parameter the type does not have',
      method: 'GET',
      path: '/fhir/PractitionerRole?_include=PractitionerRole:shoe',
      status: 400,
      diagnostics: 'parameter _include: "PractitionerRole:shoe" is not a reference parameter of PractitionerRole',
    },
    {
      name: 'a token naming neither system nor code',
      method: 'GET',
      path: '/fhir/Patient?identifier=%7C',
      status: 400,
      diagnostics: 'identifier',
    },
    { name: 'an invalid _id', method: 'GET', path: '/fhir/Patient?_id=a%24b', status: 400, diagnostics: '_id' },
    {
      name: 'a query string on read',
      method: 'GET',
      path: '/fhir/Patient/demo-patient?_summary=true',
      status: 400,
      diagnostics: '_summary',
    },
    {
      name: 'a non-numeric version in vread',
      method: 'GET',
      path: '/fhir/Patient/demo-patient/_history/abc',
      status: 400,
      diagnostics: '_history',
    },
    {
      name: 'an unknown parameter on _history',
      method: 'GET',
      path: '/fhir/Patient/demo-patient/_history?_since=2020',
      status: 400,
      diagnostics: '_since',
    },
    // ── Matricules ──
    ...matriculeCases,
    // ── Required elements, value sets, types ──
    {
      name: 'Patient without name',
      method: 'POST',
      path: '/fhir/Patient',
      body: patient({ name: undefined }),
      status: 422,
      diagnostics: 'Patient.name: required element missing',
    },
    {
      name: 'Patient without birthDate',
      method: 'POST',
      path: '/fhir/Patient',
      body: patient({ birthDate: undefined }),
      status: 422,
      diagnostics: 'Patient.birthDate: required element missing',
    },
    {
      name: 'a birthDate that is not a FHIR date',
      method: 'POST',
      path: '/fhir/Patient',
      body: patient({ birthDate: '17/05/1990' }),
      status: 400,
      diagnostics: 'Patient.birthDate: not a valid FHIR date',
    },
    {
      name: 'a gender outside its value set',
      method: 'POST',
      path: '/fhir/Patient',
      body: patient({ gender: 'M' }),
      status: 422,
      diagnostics: 'Patient.gender: "M" is not in value set',
    },
    // ── R4 structure (StructureDefinitions) and FHIR's string rule ──
    // Organisations are registered by the platform; their administrator (the GP, of his practice) updates one.
    {
      name: 'an Organization name that is a number',
      ...organizationUpdate({ name: 42 }),
      status: 400,
      diagnostics: 'Organization.name: must be a JSON string, not a number',
    },
    {
      name: 'an Organization active flag that is a string',
      ...organizationUpdate({ active: 'yes' }),
      status: 400,
      diagnostics: 'Organization.active: must be a JSON boolean, not a string',
    },
    {
      name: 'an element FHIR R4 does not define',
      ...organizationUpdate({ shoeSize: 3 }),
      status: 400,
      diagnostics: 'Organization.shoeSize: "shoeSize" is not an element FHIR R4 defines here',
    },
    {
      name: 'a NUL character in a name',
      method: 'POST',
      path: '/fhir/Patient',
      body: patient({ name: [{ family: 'Kief\u0000fer' }] }),
      status: 400,
      diagnostics: 'Patient.name[0].family: contains the control character U+0000 (FHIR string rule',
    },
    {
      name: 'a matricule identifier without a value',
      method: 'POST',
      path: '/fhir/Patient',
      body: patient({ identifier: [{ system: LU_MATRICULE_SYSTEM }] }),
      status: 422,
      diagnostics: 'Patient.identifier[0].value: required',
    },
    {
      name: 'an Observation status outside its value set',
      method: 'POST',
      path: '/fhir/Observation',
      body: observation({ status: 'done' }),
      status: 422,
      diagnostics: 'Observation.status',
    },
    {
      name: 'an Observation without code',
      method: 'POST',
      path: '/fhir/Observation',
      body: observation({ code: undefined }),
      status: 422,
      diagnostics: 'Observation.code: required',
    },
    {
      name: 'a document content without attachment',
      method: 'POST',
      path: '/fhir/DocumentReference',
      body: document({ content: [{ format: { code: 'x' } }] }),
      status: 422,
      diagnostics: 'DocumentReference.content[0].attachment: required',
    },
    {
      name: 'a confidentiality code outside N/R/V',
      method: 'POST',
      path: '/fhir/DocumentReference',
      body: document({
        securityLabel: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'X' }] }],
      }),
      status: 422,
      diagnostics: 'DocumentReference.securityLabel[0].coding[0].code',
    },
    {
      name: 'a dangling reference',
      method: 'POST',
      path: '/fhir/Observation',
      body: observation({ encounter: { reference: 'Encounter/does-not-exist' } }),
      status: 422,
      diagnostics: 'Observation.encounter.reference: reference target Encounter/does-not-exist does not exist',
    },
    {
      name: 'a reference to an unsupported type',
      method: 'POST',
      path: '/fhir/Observation',
      body: observation({ performer: [{ reference: 'Spaceship/1' }] }),
      status: 422,
      diagnostics: 'Spaceship is not supported',
    },
    {
      name: 'an absolute reference to another server',
      method: 'POST',
      path: '/fhir/Observation',
      body: observation({ performer: [{ reference: 'http://elsewhere.example/fhir/Practitioner/1' }] }),
      status: 422,
      diagnostics:
        'Observation.performer[0].reference: "http://elsewhere.example/fhir/Practitioner/1" is not a reference of the form Type/id',
    },
    {
      name: 'a contained reference to nothing',
      method: 'POST',
      path: '/fhir/Observation',
      body: observation({ performer: [{ reference: '#nope' }] }),
      status: 422,
      diagnostics: 'names no contained resource',
    },
    {
      name: 'an impossible dateTime in an indexed element',
      method: 'POST',
      path: '/fhir/Observation',
      body: observation({ effectiveDateTime: '2025-02-30T10:00:00Z' }),
      status: 400,
      diagnostics: 'Observation.effectiveDateTime',
    },
    {
      name: 'a client writing an AuditEvent',
      method: 'POST',
      path: '/fhir/AuditEvent',
      body: { resourceType: 'AuditEvent' },
      status: 403,
      diagnostics: 'written by the platform only',
    },
    // ── Versions and conditions ──
    {
      name: 'a stale If-Match',
      method: 'PUT',
      path: obsPath,
      body: obsBody,
      headers: { 'If-Match': 'W/"1"' },
      status: 412,
      diagnostics: 'If-Match: W/"1" is stale',
    },
    {
      name: 'an update without If-Match',
      method: 'PUT',
      path: obsPath,
      body: obsBody,
      status: 428,
      diagnostics: 'If-Match: required',
    },
    {
      name: 'a malformed If-Match',
      method: 'PUT',
      path: obsPath,
      body: obsBody,
      headers: { 'If-Match': 'version-2' },
      status: 400,
      diagnostics: 'If-Match',
    },
    {
      name: 'a body id differing from the URL',
      method: 'PUT',
      path: obsPath,
      body: { ...obsBody, id: 'other' },
      headers: { 'If-Match': 'W/"2"' },
      status: 400,
      diagnostics: 'differs from the id in the URL',
    },
    {
      name: 'an update body without id',
      method: 'PUT',
      path: obsPath,
      body: observation(),
      headers: { 'If-Match': 'W/"2"' },
      status: 400,
      diagnostics: 'Observation.id: required',
    },
    {
      name: 'If-Match on a resource that does not exist',
      method: 'PUT',
      path: '/fhir/Observation/nope-1',
      body: { ...observation(), id: 'nope-1' },
      headers: { 'If-Match': 'W/"1"' },
      status: 412,
      diagnostics: 'does not exist',
    },
    {
      // A care record is never erased (issue 11): the stale version is tried on a Binary of the GP's own.
      name: 'a stale If-Match on delete',
      method: 'DELETE',
      path: `/fhir/Binary/${binaryId}`,
      headers: { 'If-Match': 'W/"1"' },
      status: 412,
      diagnostics: 'stale',
    },
    {
      name: 'deleting what does not exist',
      method: 'DELETE',
      path: '/fhir/Observation/nope-2',
      status: 404,
      diagnostics: 'not found',
    },
    {
      name: 'reading what does not exist',
      method: 'GET',
      path: '/fhir/Patient/nope-3',
      status: 404,
      diagnostics: 'Patient/nope-3: not found',
    },
    {
      name: 'If-None-Exist with an undeclared parameter',
      method: 'POST',
      path: '/fhir/Patient',
      body: patient(),
      headers: { 'If-None-Exist': 'shoe-size=42' },
      status: 400,
      diagnostics: 'If-None-Exist',
    },
    {
      name: 'If-None-Exist matching several resources',
      method: 'POST',
      path: '/fhir/Patient',
      body: patient(),
      headers: { 'If-None-Exist': 'active=true' },
      status: 412,
      diagnostics: 'matches more than one',
    },
    // ── Authentication and access ──
    {
      name: 'patient data without a token',
      method: 'GET',
      path: '/fhir/Patient?family=Reuter',
      who: 'anonymous',
      status: 401,
      diagnostics: 'authentication required',
    },
    {
      name: 'a write without a token',
      method: 'POST',
      path: '/fhir/Organization',
      who: 'anonymous',
      body: { resourceType: 'Organization', name: 'X' },
      status: 401,
      diagnostics: 'authentication required',
    },
    {
      name: 'a forged token',
      method: 'GET',
      path: '/fhir/Patient/demo-patient',
      headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' },
      who: 'anonymous',
      status: 401,
      diagnostics: 'invalid',
    },
    {
      name: 'a non-Bearer Authorization header',
      method: 'GET',
      path: '/fhir/Patient/demo-patient',
      headers: { authorization: 'Basic ZGVtbzpkZW1v' },
      who: 'anonymous',
      status: 401,
      diagnostics: 'Bearer',
    },
    {
      name: 'an expired access token',
      method: 'GET',
      path: '/fhir/Patient/demo-patient',
      who: 'expired',
      status: 401,
      diagnostics: 'expired',
    },
    {
      name: 'a patient searching every patient',
      method: 'GET',
      path: '/fhir/Patient?family=Reuter',
      who: 'patient',
      status: 403,
      diagnostics: 'Patient: a patient searches only their own record (add _id=demo-patient)',
    },
    {
      name: 'a patient reading the access log of everyone',
      method: 'GET',
      path: '/fhir/AuditEvent',
      who: 'patient',
      status: 403,
      diagnostics: 'AuditEvent: a patient searches only their own access log (add patient=Patient/demo-patient)',
    },
    {
      name: 'a professional reading the access log',
      method: 'GET',
      path: '/fhir/AuditEvent?patient=Patient/demo-patient',
      status: 403,
      diagnostics: 'AuditEvent',
    },
    {
      name: 'a secretary writing clinical data (no care relationship)',
      method: 'POST',
      path: '/fhir/Observation',
      who: 'secretary',
      body: observation(),
      status: 403,
      diagnostics: 'no care relationship with Patient/demo-patient',
    },
    {
      name: 'a GP writing a care record of a patient he does not care for',
      method: 'POST',
      path: '/fhir/Observation',
      body: observation({ subject: { reference: 'Patient/pat-000001' } }),
      status: 403,
      diagnostics: 'no care relationship with Patient/pat-000001',
    },
    {
      name: 'a patient changing the directory',
      method: 'POST',
      path: '/fhir/Organization',
      who: 'patient',
      body: { resourceType: 'Organization', name: 'X' },
      status: 403,
      diagnostics: 'directory',
    },
    {
      name: 'login with a wrong password',
      method: 'POST',
      path: '/auth/login',
      who: 'anonymous',
      contentType: 'application/json',
      body: { identifier: demoAccount('nurse').identifier, password: 'wrong', otp: '123456' },
      status: 401,
      diagnostics: 'wrong',
    },
    {
      name: 'login without otp',
      method: 'POST',
      path: '/auth/login',
      who: 'anonymous',
      contentType: 'application/json',
      body: { identifier: 'demo.nurse', password: 'x' },
      status: 400,
      diagnostics: 'otp: required',
    },
    {
      name: 'refresh with an unknown token',
      method: 'POST',
      path: '/auth/refresh',
      who: 'anonymous',
      contentType: 'application/json',
      body: { refresh_token: 'nope' },
      status: 401,
      diagnostics: 'refresh_token',
    },
    {
      name: 'logout without a token',
      method: 'POST',
      path: '/auth/logout',
      who: 'anonymous',
      status: 401,
      diagnostics: 'authentication required',
    },
    // ── Idempotency ledger ──
    {
      name: 'an operation id reused with another payload',
      method: 'POST',
      path: '/fhir/Observation',
      body: observation({ status: 'preliminary' }),
      headers: { 'X-Operation-Id': USED_OPERATION_ID },
      status: 422,
      diagnostics: 'already used for a different request',
    },
    {
      name: 'a malformed operation id',
      method: 'POST',
      path: '/fhir/Observation',
      body: observation(),
      headers: { 'X-Operation-Id': 'x y' },
      status: 400,
      diagnostics: 'X-Operation-Id',
    },
    // ── $changes ──
    {
      name: 'a malformed cursor',
      method: 'GET',
      path: '/fhir/$changes?cursor=%%%',
      status: 400,
      diagnostics: 'malformed cursor',
    },
    {
      name: 'a cursor that decodes to nonsense',
      method: 'GET',
      path: `/fhir/$changes?cursor=${Buffer.from('c1.zz.1').toString('base64url')}`,
      status: 400,
      diagnostics: 'malformed cursor',
    },
    {
      name: 'a cursor of another database epoch',
      method: 'GET',
      path: `/fhir/$changes?cursor=${encodeCursor({ epoch: '0123456789abcdef', sequence: 1 })}`,
      status: 410,
      diagnostics: 'another database epoch',
    },
    {
      name: 'a cursor beyond the current sequence',
      method: 'GET',
      path: () => `/fhir/$changes?cursor=${encodeCursor({ epoch, sequence: 10_000_000 })}`,
      status: 410,
      diagnostics: 'beyond',
    },
    {
      name: 'an unknown $changes parameter',
      method: 'GET',
      path: '/fhir/$changes?since=2024-01-01',
      status: 400,
      diagnostics: '"since"',
    },
    { name: '$changes _count of zero', method: 'GET', path: '/fhir/$changes?_count=0', status: 400, diagnostics: '_count' },
    {
      name: '$changes without a token',
      method: 'GET',
      path: '/fhir/$changes',
      who: 'anonymous',
      status: 401,
      diagnostics: 'authentication required',
    },
    // ── Conditional update ──
    {
      name: 'a conditional update matching several resources',
      method: 'PUT',
      path: '/fhir/Observation?patient=Patient/demo-patient&code=http://loinc.org|8867-4',
      body: observation(),
      headers: { 'If-Match': 'W/"1"' },
      status: 412,
      diagnostics: 'matches more than one Observation',
    },
    {
      name: 'a conditional update with an undeclared parameter',
      method: 'PUT',
      path: '/fhir/Observation?shoe=42',
      body: observation(),
      status: 400,
      diagnostics: 'conditional update: search parameter "shoe" is not supported for Observation',
    },
    // ── Transactions ──
    {
      name: 'a batch whose second entry is malformed runs none of its entries',
      method: 'POST',
      path: '/fhir',
      body: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [{ resource: observation(), request: { method: 'POST', url: 'Observation' } }, { resource: observation() }],
      },
      status: 400,
      diagnostics: 'Bundle.entry[1].request: required element missing',
    },
    {
      name: 'a Bundle neither transaction nor batch',
      method: 'POST',
      path: '/fhir',
      body: { resourceType: 'Bundle', type: 'collection', entry: [] },
      status: 400,
      diagnostics: 'Bundle.type: "collection" is not supported (only "transaction" and "batch")',
    },
    {
      name: 'a resource that is not a Bundle',
      method: 'POST',
      path: '/fhir',
      body: patient(),
      status: 400,
      diagnostics: 'expects a Bundle',
    },
    {
      name: 'a GET inside a transaction',
      method: 'POST',
      path: '/fhir',
      body: { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'GET', url: 'Patient/demo-patient' } }] },
      status: 400,
      diagnostics: 'Bundle.entry[0].request.method',
    },
    {
      name: 'a transaction entry of an unknown type',
      method: 'POST',
      path: '/fhir',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [{ resource: { resourceType: 'Foo' }, request: { method: 'POST', url: 'Foo' } }],
      },
      status: 400,
      diagnostics: '"Foo" is not supported',
    },
    {
      name: 'a transaction naming one resource twice',
      method: 'POST',
      path: '/fhir',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { request: { method: 'DELETE', url: obsPath.slice(6) } },
          { request: { method: 'DELETE', url: obsPath.slice(6) } },
        ],
      },
      status: 400,
      diagnostics: 'appears twice',
    },
    {
      name: 'a transaction whose second entry is invalid writes nothing of the first',
      method: 'POST',
      path: '/fhir',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: 'urn:uuid:6f1f3d1e-0000-4000-8000-000000000001',
            resource: observation(),
            request: { method: 'POST', url: 'Observation' },
          },
          {
            resource: observation({
              derivedFrom: [{ reference: 'urn:uuid:6f1f3d1e-0000-4000-8000-000000000001' }],
              status: 'bogus',
            }),
            request: { method: 'POST', url: 'Observation' },
          },
        ],
      },
      status: 422,
      diagnostics: 'Bundle.entry[1]: Observation.status',
    },
    {
      name: 'a transaction with a dangling reference',
      method: 'POST',
      path: '/fhir',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: observation(), request: { method: 'POST', url: 'Observation' } },
          {
            resource: observation({ encounter: { reference: 'Encounter/ghost' } }),
            request: { method: 'POST', url: 'Observation' },
          },
        ],
      },
      status: 422,
      diagnostics: 'Bundle.entry[1]: Observation.encounter.reference: reference target Encounter/ghost does not exist',
    },
  ];
}

describe('bad requests are refused with a 4xx OperationOutcome and change nothing', () => {
  it('the corpus holds at least 300 distinct mistakes', () => {
    expect(cases().length).toBeGreaterThanOrEqual(300);
    expect(new Set(cases().map((c) => c.name)).size).toBe(cases().length);
  });

  it.each(cases().map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const target = c.who === 'expired' ? shortLived : env;
    const before = await target.platform.fingerprint();
    const token = c.who === 'anonymous' ? undefined : tokens[c.who ?? 'gp'];
    const headers = typeof c.headers === 'function' ? c.headers() : c.headers;
    const body = typeof c.body === 'function' ? (c.body as () => unknown)() : c.body;
    const options: RequestOptions = {
      ...(token ? { token } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(c.rawBody !== undefined ? { rawBody: c.rawBody } : {}),
      ...(c.contentType !== undefined ? { contentType: c.contentType } : {}),
      ...(headers ? { headers } : {}),
    };
    const path = typeof c.path === 'function' ? c.path() : c.path;
    const result =
      headers?.Host !== undefined
        ? await sendWithHost(target, c.method, path, options)
        : await target.request(c.method, path, options);
    expect(result.status, JSON.stringify(result.json)?.slice(0, 2000)).toBe(c.status);
    expect(result.json?.resourceType).toBe('OperationOutcome');
    const diagnostics = (result.json.issue as Array<{ diagnostics: string }>).map((i) => i.diagnostics);
    const expected = typeof c.diagnostics === 'function' ? c.diagnostics() : c.diagnostics;
    expect(
      diagnostics.some((d) => d.includes(expected)),
      `${diagnostics.join('\n').slice(0, 2000)}\nshould contain: ${expected}`,
    ).toBe(true);
    expect(await target.platform.fingerprint()).toEqual(before);
  });
});

describe('login throttling', () => {
  it('after 5 wrong tries on one identifier, login is refused with 429 and Retry-After, even with the right password', async () => {
    const account = demoAccount('care-aide');
    for (let i = 0; i < 5; i++) {
      const wrong = await env.request('POST', '/auth/login', {
        contentType: 'application/json',
        body: { identifier: account.identifier, password: `wrong-${i}`, otp: account.otp },
      });
      expect(wrong.status).toBe(401);
    }
    const locked = await env.request('POST', '/auth/login', {
      contentType: 'application/json',
      body: { identifier: account.identifier, password: account.password, otp: account.otp },
    });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.json.issue[0].diagnostics).toContain('locked after 5 wrong tries');
  });
});

/** The corpus request with the Host it names, over node:http (fetch always sends its own Host). */
function sendWithHost(target: TestPlatform, method: string, path: string, options: RequestOptions) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const body = options.rawBody ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined);
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/fhir+json';
  return requestWithHost(target.platform.port, method, path, headers, body);
}
