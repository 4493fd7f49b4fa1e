/**
 * The care-record access matrix of issue 11 (ARCHITECTURE §5 "Care records"), on the seeded demo over real HTTP:
 * the home-care network's nurses read and write the demo patient's care records and get 403 on a care-home
 * resident's; the care home's staff the reverse; the network's planner (a secretary) and the day centre's
 * administrator see the schedule and no clinical value; anyone else nothing — on every way in (read, vread,
 * _history, search, _include, $changes, transaction entries, conditional create and update), and every decision
 * lands in the access log. Two teams name their members otherwise than as a Practitioner: the GP belongs to a
 * care-home resident's team through his PractitionerRole, and the hospital (an Organization) to the demo patient's
 * — so its specialist cares for him; the GP's secretary, in none of them, is the outsider.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedAuditEvents } from '../../fixtures/test-storage';
import { handoverObservation, localDateOf } from '../../../src-shared/domain/care';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { pull, pulseOf, type Json } from './care-harness';

type Who =
  | 'demo.nurse'
  | 'demo.nurse2'
  | 'demo.carenurse'
  | 'demo.careaide'
  | 'demo.planner'
  | 'demo.admin'
  | 'demo.specialist'
  | 'demo.gp'
  | 'demo.secretary';
const CALLERS: Who[] = [
  'demo.nurse',
  'demo.nurse2',
  'demo.carenurse',
  'demo.careaide',
  'demo.planner',
  'demo.admin',
  'demo.specialist',
  'demo.gp',
  'demo.secretary',
];
const USER_REF: Record<Who, string> = {
  'demo.nurse': 'Practitioner/demo-nurse',
  'demo.nurse2': 'Practitioner/demo-nurse-2',
  'demo.carenurse': 'Practitioner/demo-care-nurse',
  'demo.careaide': 'Practitioner/demo-care-aide',
  'demo.planner': 'Practitioner/demo-planner',
  'demo.admin': 'Practitioner/demo-facility-admin',
  'demo.specialist': 'Practitioner/demo-specialist',
  'demo.gp': 'Practitioner/demo-gp',
  'demo.secretary': 'Practitioner/demo-secretary',
};

/** What each caller may do with a patient's care records: read and write, the schedule only, or nothing. */
type Access = 'care' | 'schedule' | 'none';
const PATIENTS = { network: 'Patient/demo-patient', carehome: 'Patient/ch-resident-1', daycentre: 'Patient/dc-guest-1' } as const;
type Place = keyof typeof PATIENTS;
const EXPECTED: Record<Who, Record<Place, Access>> = {
  'demo.nurse': { network: 'care', carehome: 'none', daycentre: 'none' },
  'demo.nurse2': { network: 'care', carehome: 'none', daycentre: 'none' },
  'demo.carenurse': { network: 'none', carehome: 'care', daycentre: 'none' },
  'demo.careaide': { network: 'none', carehome: 'care', daycentre: 'none' },
  'demo.planner': { network: 'schedule', carehome: 'none', daycentre: 'none' },
  'demo.admin': { network: 'none', carehome: 'none', daycentre: 'schedule' },
  // A member through the hospital (Organization) where the directory gives him a PractitionerRole.
  'demo.specialist': { network: 'care', carehome: 'none', daycentre: 'none' },
  // The demo patient's GP (his team names the Practitioner) and a member of a resident's team as his PractitionerRole.
  'demo.gp': { network: 'care', carehome: 'care', daycentre: 'none' },
  'demo.secretary': { network: 'none', carehome: 'none', daycentre: 'none' },
};

/** Teams whose members are a PractitionerRole and an Organization, written by a carer of each patient. */
const teamOf = (patient: string, member: string): Json => ({
  resourceType: 'CareTeam',
  status: 'active',
  subject: { reference: patient },
  participant: [{ member: { reference: member }, period: { start: new Date(Date.now() - 86_400_000).toISOString() } }],
});

let env: TestPlatform;
const tokens = {} as Record<Who, string>;
/** Per place: a vital sign (clinical) and an episode of care (schedule) of its patient. */
const targets = {} as Record<Place, { clinical: string; schedule: string }>;
/** Per place with a carer who has an account: the shift handover of its patient (a care record colleagues read). */
const handovers = {} as Record<Exclude<Place, 'daycentre'>, string>;

beforeAll(async () => {
  env = await startTestPlatform({ patients: 3, docsPerPatient: 1 });
  await Promise.all(CALLERS.map(async (who) => (tokens[who] = await env.loginAs(who))));
  for (const [carer, patient, member] of [
    ['demo.nurse', PATIENTS.network, 'Organization/demo-org-hospital'],
    ['demo.carenurse', PATIENTS.carehome, 'PractitionerRole/role-demo-gp'],
  ] as const) {
    const team = await env.request('POST', '/fhir/CareTeam', { token: tokens[carer], body: teamOf(patient, member) });
    expect(team.status, JSON.stringify(team.json)).toBe(201);
  }
  for (const [place, carer] of [
    ['network', 'demo.nurse'],
    ['carehome', 'demo.carenurse'],
  ] as const) {
    const body = handoverObservation(
      { patient: PATIENTS[place], effective: new Date().toISOString(), author: USER_REF[carer] },
      'Nuit calme.',
      [],
    );
    const created = await env.request('POST', '/fhir/Observation', { token: tokens[carer], body });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    handovers[place] = `Observation/${created.json.id}`;
  }
  const carers: Record<Place, Who> = { network: 'demo.nurse', carehome: 'demo.carenurse', daycentre: 'demo.nurse' };
  for (const place of Object.keys(PATIENTS) as Place[]) {
    // A pulse of the patient, found by one who cares for them (the day centre's: its ids are fixed, dated today).
    const episode = `EpisodeOfCare/${place === 'network' ? 'episode-demo-patient-homecare' : `episode-${PATIENTS[place].split('/')[1]}`}`;
    const day = localDateOf(new Date());
    const search = await env.request(
      'GET',
      `/fhir/Observation?patient=${PATIENTS[place]}&code=http://loinc.org|8867-4&_count=1`,
      {
        token: tokens[carers[place]],
      },
    );
    const id = search.json.entry?.[0]?.resource?.id as string | undefined;
    targets[place] = {
      clinical: id ? `Observation/${id}` : `Observation/vs-${PATIENTS[place].split('/')[1]}-${day}-0800-pulse`,
      schedule: episode,
    };
  }
  expect(targets.network.clinical).toMatch(/^Observation\/vs-demo-patient-/);
  expect(targets.carehome.clinical).toMatch(/^Observation\/vs-ch-resident-1-/);
});
afterAll(() => env?.stop().catch(() => undefined));

const readStatus = (access: Access, kind: 'clinical' | 'schedule') =>
  access === 'care' || (access === 'schedule' && kind === 'schedule') ? 200 : 403;

const cells = CALLERS.flatMap((who) =>
  (Object.keys(PATIENTS) as Place[]).flatMap((place) =>
    (['clinical', 'schedule'] as const).map((kind) => ({ who, place, kind })),
  ),
);

describe('reads: read, vread, _history, search, _include', () => {
  it.each(cells)('$who → $place $kind', async ({ who, place, kind }) => {
    const target = targets[place][kind];
    const [type, id] = target.split('/') as [string, string];
    const expected = readStatus(EXPECTED[who][place], kind);
    const token = tokens[who];
    expect((await env.request('GET', `/fhir/${target}`, { token })).status).toBe(expected);
    expect((await env.request('GET', `/fhir/${target}/_history/1`, { token })).status).toBe(expected);
    const history = await env.request('GET', `/fhir/${target}/_history`, { token });
    expect(history.status).toBe(expected);
    const search = await env.request('GET', `/fhir/${type}?_id=${id}`, { token });
    expect(search.status).toBe(200);
    expect((search.json.entry ?? []).some((e: Json) => e.resource?.id === id)).toBe(expected === 200);
    if (type === 'Observation') {
      const include = await env.request('GET', `/fhir/Observation?_id=${id}&_include=Observation:subject`, { token });
      expect((include.json.entry ?? []).some((e: Json) => e.resource?.id === id)).toBe(expected === 200);
    }
  });
});

describe('$changes', () => {
  it.each(CALLERS)(
    '%s receives the care records of the patients they care for, the schedule of those they plan for, nothing else',
    async (who) => {
      const { entries } = await pull(env, tokens[who]);
      const urls = new Set(entries.map((e: Json) => e.request.url as string));
      for (const place of Object.keys(PATIENTS) as Place[])
        for (const kind of ['clinical', 'schedule'] as const)
          expect(urls.has(targets[place][kind]), `${who} ${place} ${kind}`).toBe(readStatus(EXPECTED[who][place], kind) === 200);
      // A colleague's records reach the other nurse of the network (whoever wrote them).
      if (who === 'demo.nurse')
        expect(entries.some((e: Json) => e.resource?.performer?.[0]?.reference === 'Practitioner/demo-nurse-2')).toBe(true);
    },
  );
});

describe('the shift handover: a care record, read and fed by the care relationship', () => {
  it.each(CALLERS)('%s', async (who) => {
    const { entries } = await pull(env, tokens[who]);
    const fed = new Set(entries.map((e: Json) => e.request.url as string));
    for (const place of ['network', 'carehome'] as const) {
      const expected = readStatus(EXPECTED[who][place], 'clinical');
      expect((await env.request('GET', `/fhir/${handovers[place]}`, { token: tokens[who] })).status, place).toBe(expected);
      expect(fed.has(handovers[place]), `${who} $changes ${place}`).toBe(expected === 200);
    }
  });
});

describe('writes: create, transaction entry, conditional create, conditional update', () => {
  it.each(CALLERS.flatMap((who) => (Object.keys(PATIENTS) as Place[]).map((place) => ({ who, place }))))(
    '$who → $place',
    async ({ who, place }) => {
      const token = tokens[who];
      const allowed = EXPECTED[who][place] === 'care';
      const expected = allowed ? 201 : 403;
      const body = pulseOf(PATIENTS[place], 70);
      expect((await env.request('POST', '/fhir/Observation', { token, body })).status).toBe(expected);
      const transaction = await env.request('POST', '/fhir', {
        token,
        body: {
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [{ fullUrl: `urn:uuid:${randomUUID()}`, resource: body, request: { method: 'POST', url: 'Observation' } }],
        },
      });
      expect(transaction.status).toBe(allowed ? 200 : 403);
      const criteria = `_id=${targets[place].clinical.split('/')[1]}`;
      // Conditional create: the caller's own search; a carer finds the record (200), anyone else may not write (403).
      const conditional = await env.request('POST', '/fhir/Observation', { token, body, headers: { 'If-None-Exist': criteria } });
      expect(conditional.status).toBe(allowed ? 200 : 403);
      const update = await env.request('PUT', `/fhir/Observation?${criteria}`, { token, body, headers: { 'If-Match': 'W/"1"' } });
      // A carer's update of a recorded measurement must say why (422); anyone else is refused before that (403).
      expect(update.status).toBe(allowed ? 422 : 403);
    },
  );
});

describe('the access log', () => {
  it('records every decision, allowed and refused, with the caller and the patient', async () => {
    await env.request('GET', `/fhir/${targets.network.clinical}`, { token: tokens['demo.planner'] });
    const events = await (async () => {
      await env.platform.stop();
      return storedAuditEvents(env.dataDir);
    })();
    const decided = (who: Who, patient: string, outcome: '0' | '4') =>
      events.some(
        (e: Json) =>
          e.outcome === outcome &&
          e.agent?.some((a: Json) => a.who?.reference === USER_REF[who]) &&
          JSON.stringify(e.entity ?? []).includes(patient),
      );
    for (const who of CALLERS)
      for (const place of Object.keys(PATIENTS) as Place[]) {
        const access = EXPECTED[who][place];
        // Every caller was refused something of each patient they do not fully care for, and allowed what they do.
        if (access !== 'care') expect(decided(who, PATIENTS[place], '4'), `${who} refused on ${place}`).toBe(true);
        if (access !== 'none') expect(decided(who, PATIENTS[place], '0'), `${who} allowed on ${place}`).toBe(true);
      }
  });
});
