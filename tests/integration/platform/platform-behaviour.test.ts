/** The platform's promises to the sync client: $changes, idempotent writes, transactions, stable paging, auth, audit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANGES_HAS_MORE_URL, CHANGES_NEXT_CURSOR_URL, OPERATION_ID_EXTENSION_URL } from '../../../src-shared/domain/fhir-sync';
import { CORRECTION_REASON_URL } from '../../../src-shared/domain/care';
import { demoAccount } from '../../../src-main/platform/seed/demo-accounts';
import { startTestPlatform, type Json, type TestPlatform } from './platform-harness';

let env: TestPlatform;
let gp: string;
let nurse: string;
let patientToken: string;

const observation = (value: number) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: 'Patient/demo-patient' },
  valueQuantity: { value, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
});
/** A measurement is corrected by a new version that says why (issue 11): what every update below carries. */
const corrected = [{ url: CORRECTION_REASON_URL, valueString: 'test: value corrected' }];

beforeAll(async () => {
  env = await startTestPlatform({ patients: 30, docsPerPatient: 1 });
  [gp, nurse, patientToken] = await Promise.all([env.login('gp'), env.login('nurse'), env.login('patient')]);
});
afterAll(async () => env?.stop());

async function pullAll(token: string, cursor?: string, count = 50): Promise<{ entries: Json[]; cursor: string; pages: number }> {
  const entries: Json[] = [];
  let pages = 0;
  for (;;) {
    const page = await env.request('GET', `/fhir/$changes?${cursor ? `cursor=${cursor}&` : ''}_count=${count}`, { token });
    expect(page.status).toBe(200);
    pages++;
    entries.push(...page.json.entry);
    cursor = page.json.extension.find((e: Json) => e.url === CHANGES_NEXT_CURSOR_URL).valueString as string;
    if (!page.json.extension.find((e: Json) => e.url === CHANGES_HAS_MORE_URL).valueBoolean) return { entries, cursor, pages };
  }
}

describe('$changes', () => {
  it('pages through the caller’s scope in commit order without repeats, then continues from the cursor', async () => {
    const first = await pullAll(gp);
    expect(first.pages).toBeGreaterThan(1);
    const urls = first.entries.map((e) => e.request.url);
    expect(new Set(urls).size).toBe(urls.length);
    expect(urls).toContain('Practitioner/demo-gp'); // own record and directory
    expect(urls).toContain('Organization/demo-org-practice');
    expect(urls.some((u: string) => u.startsWith('AuditEvent/'))).toBe(false);
    expect(urls).not.toContain('Patient/pat-000001'); // neither created by the GP nor in the directory

    // The GP (care team) and the nurse (home-care episode) both care for the demo patient; nobody cares for pat-000001
    // but the nurse once she opens an episode for him at her organisation.
    const created = await env.request('POST', '/fhir/Observation', { token: gp, body: observation(60) });
    expect(created.status).toBe(201);
    const byNurse = await env.request('POST', '/fhir/Observation', { token: nurse, body: observation(61) });
    expect(byNurse.status).toBe(201);
    const episode = await env.request('POST', '/fhir/EpisodeOfCare', {
      token: nurse,
      body: {
        resourceType: 'EpisodeOfCare',
        status: 'active',
        patient: { reference: 'Patient/pat-000001' },
        managingOrganization: { reference: 'Organization/demo-org-homecare' },
      },
    });
    expect(episode.status).toBe(201);
    const elsewhere = await env.request('POST', '/fhir/Observation', {
      token: nurse,
      body: { ...observation(62), subject: { reference: 'Patient/pat-000001' } },
    });
    expect(elsewhere.status).toBe(201);
    // A care record is never erased (issue 11): what the GP wrote by mistake he deletes is a Binary of his own.
    const scratch = await env.request('POST', '/fhir/Binary', {
      token: gp,
      body: { resourceType: 'Binary', contentType: 'text/plain' },
    });
    expect(scratch.status).toBe(201);
    expect((await env.request('DELETE', `/fhir/Binary/${scratch.json.id}`, { token: gp })).status).toBe(204);
    const next = await pullAll(gp, first.cursor);
    // In commit order: both observations of a patient the GP cares for, then the deletion; nothing of pat-000001.
    expect(next.entries.map((e) => `${e.request.method} ${e.request.url}`)).toEqual([
      `PUT Observation/${created.json.id}`,
      `PUT Observation/${byNurse.json.id}`,
      `DELETE Binary/${scratch.json.id}`,
    ]);
    const deletion = next.entries[2];
    expect(deletion.resource).toBeUndefined();
    expect(deletion.response.etag).toBe('W/"2"');

    const idle = await pullAll(gp, next.cursor);
    expect(idle.entries).toHaveLength(0);
  });

  it('an entry carries fullUrl, resource, request PUT and response etag/lastModified', async () => {
    const page = await env.request('GET', '/fhir/$changes?_count=1', { token: gp });
    expect(page.json.type).toBe('history');
    expect(page.json.link.map((l: Json) => l.relation)).toEqual(['self', 'next']);
    const [entry] = page.json.entry;
    expect(entry.fullUrl).toBe(`${env.url}/${entry.request.url}`);
    expect(entry.request.method).toBe('PUT');
    expect(entry.response.etag).toBe(`W/"${entry.resource.meta.versionId}"`);
    expect(entry.response.lastModified).toBe(entry.resource.meta.lastUpdated);
  });
});

describe('idempotent writes', () => {
  it('a replayed operation id returns the first result (status, body, ETag) without a second effect', async () => {
    const headers = { 'X-Operation-Id': 'op-replay-000000001' };
    const first = await env.request('POST', '/fhir/Observation', { token: gp, body: observation(70), headers });
    const replay = await env.request('POST', '/fhir/Observation', { token: gp, body: observation(70), headers });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.json).toEqual(first.json);
    expect(replay.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(replay.headers.get('x-operation-replayed')).toBe('true');
    const history = await env.request('GET', `/fhir/Observation/${first.json.id}/_history`, { token: gp });
    expect(history.json.entry).toHaveLength(1);
  });
});

describe('transactions', () => {
  it('resolves urn:uuid references and replays an entry by its operation id', async () => {
    // A new patient, the episode of care at the GP's practice that starts his care relationship, and a first observation.
    const PATIENT_URN = 'urn:uuid:11111111-2222-4333-8444-555555555555';
    const operation = (valueString: string) => [{ url: OPERATION_ID_EXTENSION_URL, valueString }];
    const bundle = (patientOp: string) => ({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: PATIENT_URN,
          resource: { resourceType: 'Patient', name: [{ family: 'Majerus', given: ['Emma'] }], birthDate: '2001-09-09' },
          request: { method: 'POST', url: 'Patient', extension: operation(patientOp) },
        },
        {
          resource: {
            resourceType: 'EpisodeOfCare',
            status: 'active',
            patient: { reference: PATIENT_URN },
            managingOrganization: { reference: 'Organization/demo-org-practice' },
          },
          request: { method: 'POST', url: 'EpisodeOfCare', extension: operation(`${patientOp}-episode`) },
        },
        {
          resource: { ...observation(80), subject: { reference: PATIENT_URN } },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    });
    const first = await env.request('POST', '/fhir', { token: gp, body: bundle('op-tx-patient-0001') });
    expect(first.status).toBe(200);
    expect(first.json.type).toBe('transaction-response');
    const patientLocation: string = first.json.entry[0].response.location;
    const patientRef = patientLocation.slice(env.url.length + 1).split('/_history')[0];
    expect(first.json.entry[1].resource.patient.reference).toBe(patientRef);
    expect(first.json.entry[2].resource.subject.reference).toBe(patientRef);

    // The same entry ids again: neither the patient nor the episode is created twice, and the new observation points at him.
    const second = await env.request('POST', '/fhir', { token: gp, body: bundle('op-tx-patient-0001') });
    expect(second.status).toBe(200);
    expect(second.json.entry[0].response.location).toBe(patientLocation);
    expect(second.json.entry[1].response.location).toBe(first.json.entry[1].response.location);
    expect(second.json.entry[2].resource.subject.reference).toBe(patientRef);
    expect(second.json.entry[2].resource.id).not.toBe(first.json.entry[2].resource.id);
  });

  it('conditional create returns the existing match instead of a duplicate', async () => {
    const body = { ...observation(42), code: { coding: [{ system: 'urn:test', code: 'OBS-42' }] } };
    const headers = { 'If-None-Exist': 'patient=Patient/demo-patient&code=urn:test|OBS-42' };
    const first = await env.request('POST', '/fhir/Observation', { token: gp, body, headers });
    const second = await env.request('POST', '/fhir/Observation', { token: gp, body, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.json.id).toBe(first.json.id);
    // The nurse's lookup finds the same record: she cares for the demo patient too.
    const byNurse = await env.request('POST', '/fhir/Observation', { token: nurse, body, headers });
    expect(byNurse.status).toBe(200);
    expect(byNurse.json.id).toBe(first.json.id);
  });

  it('conditional update: the caller’s own search picks the target — none creates, one updates, several is 412', async () => {
    const code = (value: string) => ({ coding: [{ system: 'urn:test', code: value }] });
    const path = '/fhir/Observation?patient=Patient/demo-patient&code=urn:test|OBS-CU';
    const created = await env.request('PUT', path, { token: gp, body: { ...observation(90), code: code('OBS-CU') } });
    expect(created.status).toBe(201);
    // One match: an update, which like any update of clinical data must name the version it replaces.
    const blind = await env.request('PUT', path, {
      token: gp,
      body: { ...observation(91), code: code('OBS-CU'), extension: corrected },
    });
    expect(blind.status).toBe(428);
    expect(blind.json.issue[0].diagnostics).toContain('If-Match: required');
    const updated = await env.request('PUT', path, {
      token: gp,
      body: { ...observation(91), code: code('OBS-CU'), extension: corrected },
      headers: { 'If-Match': 'W/"1"' },
    });
    expect(updated.status).toBe(200);
    expect(updated.json.id).toBe(created.json.id);
    expect(updated.json.meta.versionId).toBe('2');
    expect(updated.json.valueQuantity.value).toBe(91);
    await env.request('POST', '/fhir/Observation', { token: gp, body: { ...observation(92), code: code('OBS-CU') } });
    const before = await env.platform.fingerprint();
    const ambiguous = await env.request('PUT', path, {
      token: gp,
      body: { ...observation(93), code: code('OBS-CU'), extension: corrected },
      headers: { 'If-Match': 'W/"2"' },
    });
    expect(ambiguous.status).toBe(412);
    expect(ambiguous.json.resourceType).toBe('OperationOutcome');
    expect(await env.platform.fingerprint()).toEqual(before);
  });
});

describe('conditional lookups are the caller’s own search', () => {
  it('records the caller may not read that match first neither hide the caller’s own match nor count', async () => {
    // The nurse cares for pat-000002 through an episode at her organisation; the GP does not.
    const code = { coding: [{ system: 'urn:test', code: 'OBS-HIDDEN-FIRST' }] };
    const episode = await env.request('POST', '/fhir/EpisodeOfCare', {
      token: nurse,
      body: {
        resourceType: 'EpisodeOfCare',
        status: 'active',
        patient: { reference: 'Patient/pat-000002' },
        managingOrganization: { reference: 'Organization/demo-org-homecare' },
      },
    });
    expect(episode.status).toBe(201);
    for (const value of [1, 2, 3]) {
      const theirs = await env.request('POST', '/fhir/Observation', {
        token: nurse,
        body: { ...observation(value), code, subject: { reference: 'Patient/pat-000002' } },
      });
      expect(theirs.status).toBe(201);
    }
    const mine = await env.request('POST', '/fhir/Observation', { token: gp, body: { ...observation(4), code } });
    expect(mine.status).toBe(201);
    const criteria = 'code=urn:test|OBS-HIDDEN-FIRST';
    const search = await env.request('GET', `/fhir/Observation?${criteria}`, { token: gp });
    expect(search.json.entry.map((e: Json) => e.resource.id)).toEqual([mine.json.id]);
    // If-None-Exist finds the one record the GP's search shows: no duplicate.
    const again = await env.request('POST', '/fhir/Observation', {
      token: gp,
      body: { ...observation(4), code },
      headers: { 'If-None-Exist': criteria },
    });
    expect({ status: again.status, id: again.json.id }).toEqual({ status: 200, id: mine.json.id });
    // A conditional update updates that same record.
    const updated = await env.request('PUT', `/fhir/Observation?${criteria}`, {
      token: gp,
      body: { ...observation(5), code, extension: corrected },
      headers: { 'If-Match': 'W/"1"' },
    });
    expect({ status: updated.status, id: updated.json.id }).toEqual({ status: 200, id: mine.json.id });
  });
});

describe('search paging', () => {
  it('no row is skipped or repeated between pages while others write', async () => {
    const seen: string[] = [];
    let url: string | undefined = '/fhir/Patient?_count=7&_sort=-_lastUpdated';
    const expected = new Set<string>();
    const snapshot = await env.request('GET', '/fhir/Patient?_count=1000', { token: gp });
    for (const e of snapshot.json.entry) expected.add(e.resource.id);
    let round = 0;
    while (url) {
      const page = await env.request('GET', url, { token: gp });
      expect(page.status).toBe(200);
      for (const e of page.json.entry) seen.push(e.resource.id);
      // Between pages: a new patient, and an update that moves an unseen patient to the top of the sort.
      await env.request('POST', '/fhir/Patient', {
        token: gp,
        body: { resourceType: 'Patient', name: [{ family: `Nouveau${round}` }], birthDate: '1999' },
      });
      const unseen = [...expected].find((id) => !seen.includes(id));
      if (unseen) {
        const current = await env.request('GET', `/fhir/Patient/${unseen}`, { token: gp });
        await env.request('PUT', `/fhir/Patient/${unseen}`, {
          token: gp,
          body: { ...current.json, active: false },
          headers: { 'If-Match': current.headers.get('etag')! },
        });
      }
      const next: Json = page.json.link.find((l: Json) => l.relation === 'next');
      url = next ? next.url.slice(env.url.length - '/fhir'.length) : undefined;
      round++;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(expected);
  });

  it('directory searches need a token (every request but /metadata is authenticated) and work by name, locality, specialty and organisation', async () => {
    expect((await env.request('GET', '/fhir/Organization?address-city=ettelbruck')).status).toBe(401);
    const byCity = await env.request('GET', '/fhir/Organization?address-city=ettelbruck', { token: nurse });
    expect(byCity.status).toBe(200);
    expect(byCity.json.entry.map((e: Json) => e.resource.id)).toContain('demo-org-homecare');
    const byName = await env.request('GET', '/fhir/Practitioner?name=weber', { token: nurse });
    expect(byName.json.entry.map((e: Json) => e.resource.id)).toContain('demo-gp');
    const cardiologists = await env.request(
      'GET',
      '/fhir/PractitionerRole?specialty=https://esante.lu/fhir/CodeSystem/specialty|cardiology&organization=Organization/demo-org-hospital',
      { token: nurse },
    );
    expect(cardiologists.json.entry.length).toBeGreaterThan(0);
    const byBirthdate = await env.request('GET', '/fhir/Patient?birthdate=1966-03&family=reuter', { token: gp });
    expect(byBirthdate.json.entry.map((e: Json) => e.resource.id)).toEqual(['demo-patient']);
  });
});

describe('auth', () => {
  it('refresh rotates the refresh token; reusing the old one revokes the session', async () => {
    const account = demoAccount('specialist');
    const login = await env.request('POST', '/auth/login', {
      contentType: 'application/json',
      body: { identifier: account.identifier, password: account.password, otp: account.otp },
    });
    expect(login.json.user).toEqual({ id: 'Practitioner/demo-specialist', role: 'specialist', name: 'Dr Anne Schmit' });
    const refreshed = await env.request('POST', '/auth/refresh', {
      contentType: 'application/json',
      body: { refresh_token: login.json.refresh_token },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.refresh_token).not.toBe(login.json.refresh_token);
    const reused = await env.request('POST', '/auth/refresh', {
      contentType: 'application/json',
      body: { refresh_token: login.json.refresh_token },
    });
    expect(reused.status).toBe(401);
    const afterRevocation = await env.request('GET', '/fhir/Patient/demo-patient', { token: refreshed.json.access_token });
    expect(afterRevocation.status).toBe(401);
  });

  it('logout revokes the access token', async () => {
    const token = await env.login('secretary');
    expect((await env.request('POST', '/auth/logout', { token })).status).toBe(204);
    const after = await env.request('GET', '/fhir/Patient/demo-patient', { token });
    expect(after.status).toBe(401);
    expect(after.json.issue[0].diagnostics).toContain('logged out');
  });
});

describe('audit', () => {
  it('reads of patient data and refused attempts are recorded as AuditEvents the patient can search', async () => {
    await env.request('GET', '/fhir/Patient/demo-patient', { token: gp });
    const refused = await env.request('GET', '/fhir/Patient/pat-000002', { token: patientToken });
    expect(refused.status).toBe(403);
    await new Promise((r) => setTimeout(r, 400)); // read events are flushed in batches
    const log = await env.request('GET', '/fhir/AuditEvent?patient=Patient/demo-patient&_count=1000', { token: patientToken });
    expect(log.status).toBe(200);
    const events = log.json.entry.map((e: Json) => e.resource);
    expect(
      events.some((e: Json) => e.action === 'R' && e.outcome === '0' && e.agent[0].who.reference === 'Practitioner/demo-gp'),
    ).toBe(true);
    const denied = await env.request('GET', '/fhir/AuditEvent?patient=Patient/pat-000002', { token: gp });
    expect(denied.status).toBe(403); // professionals do not read the access log
  });
});
