/**
 * The generated families of the bad-request corpus (bad-requests.test.ts runs them with the hand-written
 * cases): control characters in every string kind, nesting, repeated parameters, oversize pages and
 * tokens, confusables, duplicate matricules, hostile Host names, wrong JSON types and unknown elements.
 * Each case names the rule its refusal must state.
 */
import { request as httpRequest } from 'node:http';
import { LU_MATRICULE_SYSTEM } from '../../../src-shared/domain/fhir-sync';
import { makeMatricule } from '../../../src-shared/domain/matricule';
import { DEMO_PATIENT_MATRICULE } from '../../../src-main/platform/seed/demo-accounts';
import {
  MAX_AUTHORIZATION_LENGTH,
  MAX_JSON_DEPTH,
  MAX_PAGE_TOKEN_LENGTH,
  MAX_PARAMETER_REPEATS,
  MAX_PARAMETER_VALUES,
  MAX_SEARCH_CRITERIA,
} from '../../../src-main/platform/fhir/request-limits';
import type { HttpResult } from './platform-harness';

export type Who = 'gp' | 'patient' | 'secretary' | 'anonymous' | 'expired';

export interface BadRequest {
  name: string;
  method: string;
  /** A function when the path depends on state known only once the platform runs. */
  path: string | (() => string);
  who?: Who;
  /** A function when the body depends on the running platform. */
  body?: unknown;
  rawBody?: string;
  contentType?: string | null;
  /** A function when a header depends on the running platform (its port, for Host). */
  headers?: Record<string, string> | (() => Record<string, string>);
  status: number;
  /** Text the refusal must contain: it names the element, parameter or header, and the rule. */
  diagnostics: string | (() => string);
}

/** What the generated cases need from the running platform. */
export interface CorpusState {
  port: number;
  /** A Patient written for these cases (version 1), holding `CORPUS_PATIENT_MATRICULE`. */
  patientId: string;
}

export const CORPUS_PATIENT_MATRICULE = makeMatricule(1902, 3, 4, 321);

export const CONTROL_CHARACTERS = [0x00, 0x01, 0x07, 0x08, 0x0b, 0x0c, 0x0e, 0x1b, 0x1f];
const codePoint = (c: number) => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
const stringRule = (where: string, c: number) => `${where}: contains the control character ${codePoint(c)} (FHIR string rule`;

const document = (overrides: Record<string, unknown> = {}) => ({
  resourceType: 'DocumentReference',
  status: 'current',
  subject: { reference: 'Patient/demo-patient' },
  content: [{ attachment: { contentType: 'text/plain', data: 'SGVsbG8=' } }],
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
const patient = (overrides: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  name: [{ family: 'Kieffer', given: ['Lara'] }],
  birthDate: '1990-05-17',
  ...overrides,
});

// ── Control characters in every string kind (FHIR string rule) ──

/** A string element of a resource the gp may write, and how to put a text into it. */
interface StringSlot {
  kind: string;
  expression: string;
  path: string;
  body: (text: string) => unknown;
}

const STRING_SLOTS: StringSlot[] = [
  {
    kind: 'string',
    expression: 'DocumentReference.description',
    path: '/fhir/DocumentReference',
    body: (t) => document({ description: t }),
  },
  {
    kind: 'attachment title',
    expression: 'DocumentReference.content[0].attachment.title',
    path: '/fhir/DocumentReference',
    body: (t) => document({ content: [{ attachment: { contentType: 'text/plain', data: 'SGVsbG8=', title: t } }] }),
  },
  {
    kind: 'code (mime type)',
    expression: 'DocumentReference.content[0].attachment.contentType',
    path: '/fhir/DocumentReference',
    body: (t) => document({ content: [{ attachment: { contentType: t, data: 'SGVsbG8=' } }] }),
  },
  {
    kind: 'code',
    expression: 'DocumentReference.docStatus',
    path: '/fhir/DocumentReference',
    body: (t) => document({ docStatus: t }),
  },
  {
    kind: 'uri',
    expression: 'DocumentReference.category[0].coding[0].system',
    path: '/fhir/DocumentReference',
    body: (t) => document({ category: [{ coding: [{ system: t, code: 'x' }] }] }),
  },
  {
    kind: 'identifier value',
    expression: 'DocumentReference.identifier[0].value',
    path: '/fhir/DocumentReference',
    body: (t) => document({ identifier: [{ system: 'urn:ietf:rfc:3986', value: t }] }),
  },
  {
    kind: 'reference display',
    expression: 'DocumentReference.subject.display',
    path: '/fhir/DocumentReference',
    body: (t) => document({ subject: { reference: 'Patient/demo-patient', display: t } }),
  },
  {
    kind: 'meta uri',
    expression: 'DocumentReference.meta.source',
    path: '/fhir/DocumentReference',
    body: (t) => document({ meta: { source: t } }),
  },
  {
    kind: 'extension value',
    expression: 'DocumentReference.extension[0].valueString',
    path: '/fhir/DocumentReference',
    body: (t) => document({ extension: [{ url: 'https://esante.lu/fhir/x', valueString: t }] }),
  },
  {
    kind: 'coding code',
    expression: 'DocumentReference.content[0].format.code',
    path: '/fhir/DocumentReference',
    body: (t) => document({ content: [{ attachment: { contentType: 'text/plain', data: 'SGVsbG8=' }, format: { code: t } }] }),
  },
  { kind: 'instant', expression: 'DocumentReference.date', path: '/fhir/DocumentReference', body: (t) => document({ date: t }) },
  {
    kind: 'markdown',
    expression: 'Observation.note[0].text',
    path: '/fhir/Observation',
    body: (t) => observation({ note: [{ text: t }] }),
  },
  {
    kind: 'family name',
    expression: 'Patient.name[0].family',
    path: '/fhir/Patient',
    body: (t) => patient({ name: [{ family: t }] }),
  },
  {
    kind: 'given name',
    expression: 'Patient.name[0].given[0]',
    path: '/fhir/Patient',
    body: (t) => patient({ name: [{ family: 'Kieffer', given: [t] }] }),
  },
];

function controlCharacterCases(): BadRequest[] {
  return STRING_SLOTS.flatMap((slot) =>
    CONTROL_CHARACTERS.map((c) => ({
      name: `${codePoint(c)} in a ${slot.kind} (${slot.expression})`,
      method: 'POST',
      path: slot.path,
      body: slot.body(`Ab${String.fromCharCode(c)}cd`),
      status: 400,
      diagnostics: stringRule(slot.expression, c),
    })),
  );
}

const SEARCH_SLOTS = [
  { param: 'family', path: '/fhir/Patient?family=' },
  { param: 'identifier', path: `/fhir/Patient?identifier=${encodeURIComponent(LU_MATRICULE_SYSTEM)}|` },
  { param: 'birthdate', path: '/fhir/Patient?birthdate=1990' },
  { param: 'patient', path: '/fhir/DocumentReference?patient=Patient/demo' },
  { param: '_id', path: '/fhir/Observation?_id=obs' },
];

function searchControlCharacterCases(): BadRequest[] {
  return [
    ...SEARCH_SLOTS.flatMap((slot) =>
      CONTROL_CHARACTERS.map((c) => ({
        name: `${codePoint(c)} in the search value of ${slot.param}`,
        method: 'GET',
        path: `${slot.path}${encodeURIComponent(String.fromCharCode(c))}x`,
        status: 400,
        diagnostics: `search parameter ${slot.param}: contains the control character ${codePoint(c)}`,
      })),
    ),
    ...[0x00, 0x1b].map((c) => ({
      name: `${codePoint(c)} in an If-None-Exist query`,
      method: 'POST',
      path: '/fhir/Patient',
      body: patient(),
      headers: { 'If-None-Exist': `family=Kief${encodeURIComponent(String.fromCharCode(c))}fer` },
      status: 400,
      diagnostics: `If-None-Exist: search parameter family: contains the control character ${codePoint(c)}`,
    })),
  ];
}

// ── Nesting ──

function nestingCases(): BadRequest[] {
  const deep = (depth: number, shape: 'array' | 'object') =>
    shape === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const endpoints = [
    {
      where: 'an extension of a Patient',
      method: 'POST',
      path: '/fhir/Patient',
      wrap: (x: string) => `{"resourceType":"Patient","extension":${x}}`,
    },
    {
      where: 'a transaction entry',
      method: 'POST',
      path: '/fhir',
      wrap: (x: string) =>
        `{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"POST","url":"Observation"},"resource":{"resourceType":"Observation","note":${x}}}]}`,
    },
    {
      where: 'an update body',
      method: 'PUT',
      path: '/fhir/Observation/deep-1',
      wrap: (x: string) => `{"resourceType":"Observation","id":"deep-1","note":${x}}`,
    },
    { where: 'a login body', method: 'POST', path: '/auth/login', wrap: (x: string) => `{"identifier":${x}}` },
  ];
  // 200,000 deep (the finding) needs a body beyond this corpus's 256 KiB limit: request-limits.security.test.ts.
  return [MAX_JSON_DEPTH + 1, 1000, 20_000].flatMap((depth) =>
    (['array', 'object'] as const).flatMap((shape) =>
      endpoints.map((e) => ({
        name: `JSON ${shape}s nested ${depth} deep in ${e.where}`,
        method: e.method,
        path: e.path,
        rawBody: e.wrap(deep(depth, shape)),
        ...(e.path.startsWith('/auth') ? { contentType: 'application/json', who: 'anonymous' as const } : {}),
        status: 400,
        diagnostics: `body: JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
      })),
    ),
  );
}

// ── Repeated parameters and long lists ──

function repetitionCases(): BadRequest[] {
  const repeat = (param: string, times: number, value: (i: number) => string) =>
    Array.from({ length: times }, (_, i) => `${param}=${value(i)}`).join('&');
  const repeated = (type: string, param: string, times: number, value: (i: number) => string): BadRequest => ({
    name: `${param} repeated ${times} times on ${type}`,
    method: 'GET',
    path: `/fhir/${type}?${repeat(param, times, value)}`,
    status: 400,
    diagnostics: `search parameter ${param}: given ${times} times (limit ${MAX_PARAMETER_REPEATS} per search`,
  });
  const list = (param: string, values: number): BadRequest => ({
    name: `${values} comma-separated values of ${param}`,
    method: 'GET',
    path: `/fhir/Patient?${param}=${Array.from({ length: values }, (_, i) => `v${i}`).join(',')}`,
    status: 400,
    diagnostics: `search parameter ${param}: ${values} values in one list (limit ${MAX_PARAMETER_VALUES} values per parameter)`,
  });
  const criteria = MAX_SEARCH_CRITERIA + 1;
  return [
    repeated('Patient', '_id', 1100, (i) => `p${i}`),
    repeated('Patient', '_id', MAX_PARAMETER_REPEATS + 1, (i) => `p${i}`),
    repeated('Observation', '_id', 1100, (i) => `o${i}`),
    repeated('Patient', 'family', 50, (i) => `f${i}`),
    repeated('Patient', 'identifier', 200, (i) => `id${i}`),
    repeated('Patient', 'birthdate', 20, () => 'ge1900'),
    repeated('DocumentReference', 'patient', 30, () => 'Patient/demo-patient'),
    repeated('Practitioner', 'name', 1000, (i) => `n${i}`),
    repeated('Patient', '_lastUpdated', 40, () => 'ge2000'),
    {
      name: `${criteria} different criteria`,
      method: 'GET',
      path: `/fhir/Patient?${repeat('family', 8, (i) => `f${i}`)}&${repeat('given', 8, (i) => `g${i}`)}&${repeat('identifier', 8, (i) => `i${i}`)}&${repeat('name', criteria - 24, (i) => `n${i}`)}`,
      status: 400,
      diagnostics: `search: ${criteria} criteria (limit ${MAX_SEARCH_CRITERIA} per search)`,
    },
    list('_id', MAX_PARAMETER_VALUES + 1),
    list('family', 1000),
    list('identifier', 2000),
    {
      name: 'a repeated parameter inside If-None-Exist',
      method: 'POST',
      path: '/fhir/Patient',
      body: patient(),
      headers: { 'If-None-Exist': repeat('identifier', 11, (i) => `x${i}`) },
      status: 400,
      diagnostics: `If-None-Exist: search parameter identifier: given 11 times`,
    },
  ];
}

// ── Oversize pages, counts and tokens ──

function oversizeCases(): BadRequest[] {
  const token = (length: number) => 'A'.repeat(length);
  return [
    ...[MAX_PAGE_TOKEN_LENGTH + 1, 5000, 12_000].map((length) => ({
      name: `a page token of ${length} characters`,
      method: 'GET',
      path: `/fhir/Patient?_page=${token(length)}`,
      status: 400,
      diagnostics: `parameter _page: ${length} characters, longer than any page token (limit ${MAX_PAGE_TOKEN_LENGTH}`,
    })),
    ...['1001', '99999999', '10000000000000000000000', '-5', '1e3', '0x10', '５'].map((count) => ({
      name: `_count=${count}`,
      method: 'GET',
      path: `/fhir/Patient?_count=${encodeURIComponent(count)}`,
      status: 400,
      diagnostics: 'parameter _count',
    })),
    {
      name: '$changes _count far beyond its maximum',
      method: 'GET',
      path: '/fhir/$changes?_count=99999999',
      status: 400,
      diagnostics: '_count',
    },
    ...[MAX_AUTHORIZATION_LENGTH + 1, 12_000].map((length) => ({
      name: `an access token of ${length} characters`,
      method: 'GET',
      path: '/fhir/Patient?family=Reuter',
      who: 'anonymous' as const,
      headers: { Authorization: `Bearer ${token(length - 7)}` },
      status: 401,
      diagnostics: `Authorization: ${length} characters, longer than any access token (limit ${MAX_AUTHORIZATION_LENGTH})`,
    })),
    {
      name: 'an oversize access token on the login route too',
      method: 'POST',
      path: '/auth/logout',
      who: 'anonymous',
      headers: { Authorization: `Bearer ${token(MAX_AUTHORIZATION_LENGTH)}` },
      status: 401,
      diagnostics: 'longer than any access token',
    },
    {
      name: 'headers larger than 16 KiB',
      method: 'GET',
      path: '/fhir/metadata',
      headers: { 'X-Padding': token(20_000) },
      status: 431,
      diagnostics: 'exceed 16 KiB',
    },
    {
      name: 'a URL longer than 16 KiB',
      method: 'GET',
      path: `/fhir/Patient?family=${token(20_000)}`,
      status: 431,
      diagnostics: 'exceed 16 KiB',
    },
    {
      name: 'an access token longer than 16 KiB',
      method: 'GET',
      path: '/fhir/Patient/demo-patient',
      who: 'anonymous',
      headers: { Authorization: `Bearer ${token(17_000)}` },
      status: 431,
      diagnostics: 'exceed 16 KiB',
    },
  ];
}

// ── Duplicate matricules and confusable characters ──

function identityCases(state: () => CorpusState): BadRequest[] {
  const withMatricule = (value: string, name = { family: 'Kieffer', given: ['Lara'] }) =>
    patient({ name: [name], identifier: [{ system: LU_MATRICULE_SYSTEM, value }] });
  const digits = (map: (d: number) => string) => [...DEMO_PATIENT_MATRICULE].map((d) => map(Number(d))).join('');
  const confusableMatricules: Array<[string, string]> = [
    ['fullwidth digits', digits((d) => String.fromCharCode(0xff10 + d))],
    ['Arabic-Indic digits', digits((d) => String.fromCharCode(0x0660 + d))],
    ['Devanagari digits', digits((d) => String.fromCharCode(0x0966 + d))],
    ['mathematical bold digits', digits((d) => String.fromCodePoint(0x1d7ce + d))],
    ['a zero-width space inside', `${DEMO_PATIENT_MATRICULE.slice(0, 8)}\u200b${DEMO_PATIENT_MATRICULE.slice(8)}`],
    ['a letter O for a zero', DEMO_PATIENT_MATRICULE.replace(/0/g, 'O')],
  ];
  const fresh = makeMatricule(1901, 2, 3, 987); // no seed patient is born in 1901
  const transaction = (...patients: unknown[]) => ({
    resourceType: 'Bundle',
    type: 'transaction',
    entry: patients.map((resource) => ({ resource, request: { method: 'POST', url: 'Patient' } })),
  });
  return [
    {
      name: "a second Patient with the demo patient's matricule",
      method: 'POST',
      path: '/fhir/Patient',
      body: withMatricule(DEMO_PATIENT_MATRICULE),
      status: 409,
      diagnostics: `Patient.identifier[0].value: matricule "${DEMO_PATIENT_MATRICULE}" already belongs to Patient/demo-patient`,
    },
    {
      name: "a look-alike name (Cyrillic letters) with the demo patient's matricule",
      method: 'POST',
      path: '/fhir/Patient',
      body: withMatricule(DEMO_PATIENT_MATRICULE, { family: 'Rеutеr', given: ['Аnnе'] }),
      status: 409,
      diagnostics: 'already belongs to Patient/demo-patient',
    },
    {
      name: "an update giving a Patient the demo patient's matricule",
      method: 'PUT',
      path: () => `/fhir/Patient/${state().patientId}`,
      body: () => ({ ...withMatricule(DEMO_PATIENT_MATRICULE), id: state().patientId }),
      headers: { 'If-Match': 'W/"1"' },
      status: 409,
      diagnostics: 'already belongs to Patient/demo-patient',
    },
    {
      name: "a new Patient holding the corpus patient's matricule",
      method: 'POST',
      path: '/fhir/Patient',
      body: withMatricule(CORPUS_PATIENT_MATRICULE),
      status: 409,
      diagnostics: 'already belongs to Patient/',
    },
    {
      name: "a transaction writing the demo patient's matricule",
      method: 'POST',
      path: '/fhir',
      body: transaction(withMatricule(DEMO_PATIENT_MATRICULE)),
      status: 409,
      diagnostics: 'Bundle.entry[0]: Patient.identifier[0].value: matricule',
    },
    {
      name: 'a transaction writing one new matricule twice',
      method: 'POST',
      path: '/fhir',
      body: transaction(withMatricule(fresh), withMatricule(fresh, { family: 'Kiefer', given: ['Lara'] })),
      status: 409,
      diagnostics: `Bundle.entry[1]: Patient.identifier[0].value: matricule "${fresh}" already belongs to Patient/`,
    },
    ...confusableMatricules.map(([what, value]) => ({
      name: `a matricule written with ${what}`,
      method: 'POST',
      path: '/fhir/Patient',
      body: withMatricule(value),
      status: 422,
      diagnostics: `Patient.identifier[0].value: matricule "${value}" is invalid`,
    })),
    {
      name: 'a resourceType spelled with a Cyrillic Р',
      method: 'POST',
      path: '/fhir/Patient',
      body: { ...patient(), resourceType: 'Раtient' },
      status: 400,
      diagnostics: 'expected Patient but got "Раtient"',
    },
    {
      name: 'a resource type in the URL spelled with a Cyrillic Р',
      method: 'GET',
      path: `/fhir/${encodeURIComponent('Раtient')}?family=Reuter`,
      status: 404,
      diagnostics: 'Раtient',
    },
    {
      name: 'a search parameter spelled with a Cyrillic а',
      method: 'GET',
      path: `/fhir/Patient?${encodeURIComponent('fаmily')}=Reuter`,
      status: 400,
      diagnostics: '"fаmily" is not supported for Patient',
    },
    {
      name: 'a gender code spelled with a Cyrillic а',
      method: 'POST',
      path: '/fhir/Patient',
      body: patient({ gender: 'mаle' }),
      status: 422,
      diagnostics: 'Patient.gender: "mаle" is not in value set',
    },
    {
      name: 'a document status spelled with a Cyrillic п',
      method: 'POST',
      path: '/fhir/DocumentReference',
      body: document({ status: 'curreпt' }),
      status: 422,
      diagnostics: 'DocumentReference.status: "curreпt" is not in value set',
    },
    {
      name: 'a confidentiality code written as a fullwidth Ｖ',
      method: 'POST',
      path: '/fhir/DocumentReference',
      body: document({
        securityLabel: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'Ｖ' }] }],
      }),
      status: 422,
      diagnostics: 'DocumentReference.securityLabel[0].coding[0].code: "Ｖ" is not in value set',
    },
  ];
}

// ── Hostile Host names (DNS rebinding) ──

function hostCases(state: () => CorpusState): BadRequest[] {
  const hosts: Array<[string, (port: number) => string]> = [
    ['a rebound name without port', () => 'evil.example'],
    ['a rebound name with our port', (p) => `evil.example:${p}`],
    ['loopback on another port', (p) => `127.0.0.1:${p + 1}`],
    ['localhost as a subdomain of the attacker', (p) => `localhost.evil.example:${p}`],
    ['a wildcard-DNS name of 127.0.0.1', (p) => `127.0.0.1.nip.io:${p}`],
    ['127.0.0.1 as a decimal number', (p) => `2130706433:${p}`],
    ['127.0.0.1 shortened', (p) => `127.1:${p}`],
    ['127.0.0.1 in hex', (p) => `0x7f000001:${p}`],
    ['an IPv4-mapped IPv6 loopback', (p) => `[::ffff:127.0.0.1]:${p}`],
    ['userinfo before the loopback', (p) => `user@127.0.0.1:${p}`],
    ['our port followed by the attacker', (p) => `127.0.0.1:${p}.evil.example`],
  ];
  const requests = [
    { what: 'the CapabilityStatement', method: 'GET', path: '/fhir/metadata', who: 'anonymous' as const },
    {
      what: 'a login',
      method: 'POST',
      path: '/auth/login',
      who: 'anonymous' as const,
      contentType: 'application/json',
      body: { identifier: 'demo.gp', password: 'Demo!2025', otp: '123456' },
    },
    { what: 'a search with a valid token', method: 'GET', path: '/fhir/Patient?family=Reuter' },
  ];
  return [
    ...hosts.flatMap(([what, host]) =>
      requests.map((r) => ({
        name: `Host: ${what}, on ${r.what}`,
        method: r.method,
        path: r.path,
        ...(r.who ? { who: r.who } : {}),
        ...(r.body ? { body: r.body, contentType: r.contentType } : {}),
        headers: () => ({ Host: host(state().port) }),
        status: 421,
        diagnostics: () => `Host: "${host(state().port)}" is not a name of this platform`,
      })),
    ),
  ];
}

// ── Wrong JSON types and unknown elements (R4 StructureDefinitions) ──

/**
 * Organisations are registered by the platform, not created by users: a structural mistake in one is made
 * by its administrator updating it — the demo GP, of his practice (at version 1: the corpus changes nothing).
 */
export function organizationUpdate(overrides: Record<string, unknown>): Pick<BadRequest, 'method' | 'path' | 'body' | 'headers'> {
  return {
    method: 'PUT',
    path: '/fhir/Organization/demo-org-practice',
    body: { resourceType: 'Organization', id: 'demo-org-practice', name: 'Cabinet', ...overrides },
    headers: { 'If-Match': 'W/"1"' },
  };
}

function structureCases(): BadRequest[] {
  const wrongType = (type: string, body: unknown, expression: string, rule: string): BadRequest => ({
    name: `${expression} ${rule}`,
    method: 'POST',
    path: `/fhir/${type}`,
    body,
    status: 400,
    diagnostics: `${expression}: ${rule}`,
  });
  const subject = { reference: 'Patient/demo-patient' };
  const minimal: Record<string, Record<string, unknown>> = {
    Observation: observation(),
    DocumentReference: document(),
    Patient: patient(),
    // A Location is kept by the administrator of its managing organisation: the GP, of his practice.
    Location: {
      resourceType: 'Location',
      name: 'Salle 1',
      managingOrganization: { reference: 'Organization/demo-org-practice' },
    },
    Condition: { resourceType: 'Condition', subject },
    Procedure: { resourceType: 'Procedure', status: 'completed', subject },
    Goal: { resourceType: 'Goal', lifecycleStatus: 'active', description: { text: 'marcher' }, subject },
    CarePlan: { resourceType: 'CarePlan', status: 'active', intent: 'plan', subject },
    Encounter: { resourceType: 'Encounter', status: 'planned', class: { code: 'HH' }, subject },
    MedicationStatement: {
      resourceType: 'MedicationStatement',
      status: 'active',
      medicationCodeableConcept: { text: 'x' },
      subject,
    },
    Task: { resourceType: 'Task', status: 'draft', intent: 'order', for: subject },
  };
  const unknownElements = Object.entries(minimal).map(([type, body]) => ({
    name: `an element FHIR R4 does not define on ${type}`,
    method: 'POST',
    path: `/fhir/${type}`,
    body: { ...body, shoeSize: 3 },
    status: 400,
    diagnostics: `${type}.shoeSize: "shoeSize" is not an element FHIR R4 defines here`,
  }));
  const organization = (overrides: Record<string, unknown>, expression: string, rule: string): BadRequest => ({
    name: `${expression} ${rule}`,
    ...organizationUpdate(overrides),
    status: 400,
    diagnostics: `${expression}: ${rule}`,
  });
  const json = (expected: string, got: string) => `must be a JSON ${expected}, not a ${got}`;
  return [
    ...unknownElements,
    {
      name: 'an element FHIR R4 does not define on Organization',
      ...organizationUpdate({ shoeSize: 3 }),
      status: 400,
      diagnostics: 'Organization.shoeSize: "shoeSize" is not an element FHIR R4 defines here',
    },
    {
      name: 'an unknown element nested in a data type',
      method: 'POST',
      path: '/fhir/Patient',
      body: patient({ name: [{ family: 'Kieffer', nickname: 'Lala' }] }),
      status: 400,
      diagnostics: 'Patient.name[0].nickname: "nickname" is not an element FHIR R4 defines here',
    },
    wrongType('Observation', observation({ status: 3 }), 'Observation.status', json('string', 'number')),
    wrongType('Observation', observation({ code: 'pulse' }), 'Observation.code', 'must be a JSON object'),
    wrongType('Observation', observation({ subject: 'Patient/demo-patient' }), 'Observation.subject', 'must be a JSON object'),
    wrongType('Observation', observation({ category: { text: 'x' } }), 'Observation.category', 'must be a JSON array'),
    wrongType(
      'Observation',
      observation({ effectiveDateTime: 20250101 }),
      'Observation.effectiveDateTime',
      json('string', 'number'),
    ),
    wrongType(
      'Observation',
      observation({ valueQuantity: { value: '5' } }),
      'Observation.valueQuantity.value',
      json('number', 'string'),
    ),
    wrongType(
      'Observation',
      observation({ valueQuantity: undefined, valueBoolean: 'true' }),
      'Observation.valueBoolean',
      json('boolean', 'string'),
    ),
    wrongType('Observation', observation({ issued: 'yesterday' }), 'Observation.issued', 'not a valid FHIR instant'),
    wrongType('Observation', observation({ note: { text: 'x' } }), 'Observation.note', 'must be a JSON array'),
    wrongType(
      'Observation',
      observation({ valueQuantity: undefined, valueInteger: 1.5 }),
      'Observation.valueInteger',
      'must be an integer',
    ),
    wrongType(
      'Observation',
      observation({ valueQuantity: undefined, valueString: 'a', valueInteger: 1 }),
      'Observation.valueInteger',
      'only one of',
    ),
    wrongType('Patient', patient({ active: 'yes' }), 'Patient.active', json('boolean', 'string')),
    wrongType('Patient', patient({ birthDate: 19900517 }), 'Patient.birthDate', json('string', 'number')),
    wrongType('Patient', patient({ name: 'Kieffer' }), 'Patient.name', 'must be a JSON array'),
    wrongType('Patient', patient({ deceasedBoolean: 'no' }), 'Patient.deceasedBoolean', json('boolean', 'string')),
    wrongType('Patient', patient({ multipleBirthInteger: '2' }), 'Patient.multipleBirthInteger', json('number', 'string')),
    wrongType(
      'Patient',
      patient({ telecom: [{ system: 'phone', value: 352 }] }),
      'Patient.telecom[0].value',
      json('string', 'number'),
    ),
    wrongType('Patient', patient({ address: [{ line: 'Rue de la Gare' }] }), 'Patient.address[0].line', 'must be a JSON array'),
    wrongType('Patient', patient({ gender: true }), 'Patient.gender', json('string', 'boolean')),
    wrongType('Patient', patient({ name: [{ family: '   ' }] }), 'Patient.name[0].family', 'blank'),
    wrongType('Patient', patient({ meta: { lastUpdated: 'yesterday' } }), 'Patient.meta.lastUpdated', 'not a valid FHIR instant'),
    wrongType(
      'Patient',
      patient({ contained: [{ resourceType: 'Medication', id: 'm1' }] }),
      'Patient.contained',
      'resource type Medication is not supported',
    ),
    organization({ alias: 'Y' }, 'Organization.alias', 'must be a JSON array'),
    organization({ name: ['X'] }, 'Organization.name', 'must be a single value'),
    organization({ partOf: 'Organization/x' }, 'Organization.partOf', 'must be a JSON object'),
    wrongType(
      'DocumentReference',
      document({ content: [{ attachment: { contentType: 'text/plain', data: 'SGVsbG8=', size: -1 } }] }),
      'DocumentReference.content[0].attachment.size',
      'must be non-negative',
    ),
    wrongType(
      'DocumentReference',
      document({ content: [{ attachment: { contentType: 'text/plain', data: 'not base64!' } }] }),
      'DocumentReference.content[0].attachment.data',
      'not a valid FHIR base64Binary',
    ),
    {
      name: 'an extension without url',
      method: 'POST',
      path: '/fhir/Patient',
      body: patient({ extension: [{ valueString: 'x' }] }),
      status: 422,
      diagnostics: 'Patient.extension[0].url: required element missing (FHIR R4 minimum cardinality 1)',
    },
    {
      name: 'a document without content (R4 cardinality 1..*)',
      method: 'POST',
      path: '/fhir/DocumentReference',
      body: document({ content: undefined }),
      status: 422,
      diagnostics: 'DocumentReference.content: required element missing (FHIR R4 minimum cardinality 1)',
    },
  ];
}

export function generatedCases(state: () => CorpusState): BadRequest[] {
  return [
    ...controlCharacterCases(),
    ...searchControlCharacterCases(),
    ...nestingCases(),
    ...repetitionCases(),
    ...oversizeCases(),
    ...identityCases(state),
    ...hostCases(state),
    ...structureCases(),
  ];
}

/** node:http, because fetch sends its own Host whatever the caller sets. */
export function requestWithHost(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : null;
        } catch {
          json = text;
        }
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
        resolve({ status: res.statusCode ?? 0, headers: responseHeaders, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
