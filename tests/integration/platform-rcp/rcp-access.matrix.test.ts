/**
 * Issue 12 acceptance 1: the tumour board's access matrix — roles × (meeting, agenda, case, case record,
 * proposal, minutes) × participant or not — on read, search, history and `$changes`, every decision in the
 * access log; the write rules (coordinator, participant's answer, proposal by participating physicians with
 * the quorum, for a case on the agenda → 422 naming the rule); minutes only replaced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RCP_DEMO } from '../../../src-main/platform/seed/demo-rcp';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { agenda, answer, meeting, minutes, proposal, rcpCase } from './rcp-fixtures';

let env: TestPlatform;
const tokens: Record<string, string> = {};
const WHO = [
  'demo.oncologist',
  'demo.pathologist',
  'demo.gp',
  'demo.secretary',
  'demo.specialist',
  'demo.nurse',
  'demo.patient',
  'demo.patient2',
];

beforeAll(async () => {
  env = await startTestPlatform({ patients: 3, docsPerPatient: 1 });
  for (const who of WHO) tokens[who] = await env.loginAs(who);
});
afterAll(async () => env?.stop());

/** The resources ("Type/id") a user's first `$changes` page carries. */
async function feedOf(token: string | undefined): Promise<Set<string>> {
  const feed = await env.request('GET', '/fhir/$changes?_count=1000', { token });
  return new Set((feed.json.entry ?? []).map((e: { request: { url: string } }) => e.request.url));
}

/** A meeting and its agenda name each other: they are scheduled in one transaction. */
function schedule(token: string, m: object, a: object) {
  return env.request('POST', '/fhir', {
    token,
    body: {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [m, a].map((resource) => ({
        resource,
        request: {
          method: 'PUT',
          url: `${(resource as { resourceType: string }).resourceType}/${(resource as { id: string }).id}`,
        },
      })),
    },
  });
}

const RECORDS = {
  meeting: `Appointment/${RCP_DEMO.upcomingMeeting}`,
  agenda: `List/${RCP_DEMO.upcomingAgenda}`,
  case: `Task/${RCP_DEMO.demoPatientCase}`,
  condition: `Condition/${RCP_DEMO.demoPatientCase}-condition`,
  staging: `Observation/${RCP_DEMO.demoPatientCase}-ecog`,
  proposal: `CarePlan/${RCP_DEMO.pastProposal}`,
  minutes: `DocumentReference/${RCP_DEMO.pastMinutes}`,
} as const;
type RecordName = keyof typeof RECORDS;

// 200 read, else the refusal. Members: oncologist, pathologist; presenter: GP; coordinator: secretary;
// specialist (cardiologist) and nurse sit on no board; the patient reads their own case, not the meeting.
const MATRIX: Record<string, Record<RecordName, number>> = {
  'demo.oncologist': { meeting: 200, agenda: 200, case: 200, condition: 200, staging: 200, proposal: 200, minutes: 200 },
  'demo.pathologist': { meeting: 200, agenda: 200, case: 200, condition: 200, staging: 200, proposal: 200, minutes: 403 },
  'demo.gp': { meeting: 200, agenda: 200, case: 200, condition: 200, staging: 200, proposal: 200, minutes: 200 },
  'demo.secretary': { meeting: 200, agenda: 200, case: 403, condition: 403, staging: 403, proposal: 403, minutes: 403 },
  'demo.specialist': { meeting: 200, agenda: 403, case: 403, condition: 403, staging: 403, proposal: 403, minutes: 403 },
  'demo.nurse': { meeting: 403, agenda: 403, case: 403, condition: 403, staging: 403, proposal: 403, minutes: 200 },
  'demo.patient': { meeting: 403, agenda: 403, case: 200, condition: 200, staging: 200, proposal: 200, minutes: 200 },
  'demo.patient2': { meeting: 403, agenda: 403, case: 403, condition: 403, staging: 403, proposal: 403, minutes: 403 },
};

describe('reads: roles × records × participant or not', () => {
  const cells = Object.entries(MATRIX).flatMap(([who, row]) =>
    Object.entries(row).map(([record, status]) => [who, record as RecordName, status] as const),
  );
  it.each(cells)('%s reading the %s gets %i, and the same on _history', async (who, record, status) => {
    const read = await env.request('GET', `/fhir/${RECORDS[record]}`, { token: tokens[who] });
    expect(read.status).toBe(status);
    const history = await env.request('GET', `/fhir/${RECORDS[record]}/_history`, { token: tokens[who] });
    expect(history.status).toBe(status);
    if (status !== 200) expect(JSON.stringify(read.json)).not.toContain('Adénocarcinome');
  });

  it.each(Object.keys(MATRIX))('%s: searches and $changes carry exactly the records the table allows', async (who) => {
    const token = tokens[who];
    const feed = await feedOf(token);
    const searches: Record<RecordName, string> = {
      meeting: `/fhir/Appointment?_id=${RCP_DEMO.upcomingMeeting}`,
      agenda: `/fhir/List?_id=${RCP_DEMO.upcomingAgenda}`,
      case: `/fhir/Task?_id=${RCP_DEMO.demoPatientCase}`,
      condition: `/fhir/Condition?rcp-case=Task/${RCP_DEMO.demoPatientCase}`,
      staging: `/fhir/Observation?rcp-case=Task/${RCP_DEMO.demoPatientCase}`,
      proposal: `/fhir/CarePlan?_id=${RCP_DEMO.pastProposal}`,
      minutes: `/fhir/DocumentReference?_id=${RCP_DEMO.pastMinutes}&patient=Patient/demo-patient`,
    };
    for (const [record, status] of Object.entries(MATRIX[who]!) as Array<[RecordName, number]>) {
      const [, id] = RECORDS[record].split('/');
      const search = await env.request('GET', searches[record], { token });
      const found = (search.json?.entry ?? []).some((e: { resource: { id: string } }) => e.resource.id === id);
      expect(found, `${who} search ${record}`).toBe(status === 200);
      // The feed carries what the user sits on or presents (the calendar, for a physician who does not, only the meeting).
      if (status !== 200) expect(feed.has(RECORDS[record]), `${who} $changes ${record}`).toBe(false);
    }
  });

  it('the members and the presenter get the dossier in $changes', async () => {
    for (const who of ['demo.oncologist', 'demo.pathologist', 'demo.gp']) {
      const feed = await feedOf(tokens[who]!);
      for (const record of ['meeting', 'agenda', 'case', 'condition', 'staging'] as const)
        expect(feed.has(RECORDS[record]), `${who} ${record}`).toBe(true);
    }
  });

  it("every decision reaches the patient's access log: the coordinator's refusal on the case, the members' reads", async () => {
    await env.request('GET', `/fhir/${RECORDS.case}`, { token: tokens['demo.secretary'] });
    await env.request('GET', `/fhir/${RECORDS.case}`, { token: tokens['demo.pathologist'] });
    const log = await env.request('GET', '/fhir/Patient/demo-patient/$access-log?_count=1000', { token: tokens['demo.patient'] });
    const events = (log.json.entry ?? []).map((e: { resource: fhir4.AuditEvent }) => e.resource) as fhir4.AuditEvent[];
    const by = (who: string, outcome: string) =>
      events.filter(
        (e) =>
          e.outcome === outcome &&
          e.agent.some((a) => a.who?.reference === who) &&
          (e.entity ?? []).some((x) => x.what?.reference?.startsWith(RECORDS.case)),
      );
    expect(by('Practitioner/demo-secretary', '4')[0]?.outcomeDesc).toMatch(/RCP rule 7: a coordinator/);
    expect(by('Practitioner/demo-pathologist', '0')[0]?.outcomeDesc).toMatch(/RCP rule 6/);
  });
});

describe('writes', () => {
  const start = new Date(Date.now() + 30 * 86_400_000).toISOString();

  it('a coordinator (a secretary) schedules a meeting and its agenda; a participant answers and changes nothing else', async () => {
    const secretary = tokens['demo.secretary']!;
    const members: Array<[string, string]> = [
      ['Practitioner/demo-oncologist', 'needs-action'],
      ['Practitioner/demo-radiologist', 'accepted'],
    ];
    const scheduled = await schedule(
      secretary,
      meeting('m-small', 'a-small', 'Practitioner/demo-secretary', members, start),
      agenda('a-small', 'm-small'),
    );
    expect(scheduled.status).toBe(200);
    // Nobody schedules in another's name.
    const other = await schedule(
      tokens['demo.pathologist']!,
      meeting('m-other', 'a-other', 'Practitioner/demo-secretary', members, start),
      agenda('a-other', 'm-other'),
    );
    expect(other.status).toBe(403);
    const oncologist = tokens['demo.oncologist']!;
    expect(await answer(env, oncologist, 'm-small', 'Practitioner/demo-oncologist', 'accepted')).toBe(200);
    const current = (await env.request('GET', '/fhir/Appointment/m-small', { token: oncologist })).json;
    const moved = await env.request('PUT', '/fhir/Appointment/m-small', {
      token: oncologist,
      body: { ...current, start: new Date().toISOString() },
      headers: { 'if-match': `W/"${current.meta.versionId}"` },
    });
    expect(moved.status).toBe(403);
    expect(moved.json.issue[0].diagnostics).toMatch(/only their own answer/);
    // The agenda is the coordinator's.
    const agendaNow = (await env.request('GET', '/fhir/List/a-small', { token: oncologist })).json;
    expect(
      (
        await env.request('PUT', '/fhir/List/a-small', {
          token: oncologist,
          body: { ...agendaNow, title: 'x' },
          headers: { 'if-match': `W/"${agendaNow.meta.versionId}"` },
        })
      ).status,
    ).toBe(403);
  });

  it('the GP registers a case for his patient on a meeting: the platform puts it on the agenda', async () => {
    const gp = tokens['demo.gp'];
    expect(
      (
        await env.request('PUT', '/fhir/Task/c-small', {
          token: gp,
          body: rcpCase('c-small', 'demo-patient', 'Practitioner/demo-gp', 'm-small'),
        })
      ).status,
    ).toBe(201);
    const list = (await env.request('GET', '/fhir/List/a-small', { token: gp })).json;
    expect(list.entry.map((e: { item: { reference: string } }) => e.item.reference)).toEqual(['Task/c-small']);
    // A physician without a relationship to the patient registers nothing for them.
    const stranger = await env.request('PUT', '/fhir/Task/c-stranger', {
      token: tokens['demo.specialist'],
      body: rcpCase('c-stranger', 'demo-patient', 'Practitioner/demo-specialist', 'm-small'),
    });
    expect(stranger.status).toBe(403);
    // The coordinator cannot register a case (no care mandate, no clinical content).
    const coordinator = await env.request('PUT', '/fhir/Task/c-coord', {
      token: tokens['demo.secretary'],
      body: rcpCase('c-coord', 'demo-patient', 'Practitioner/demo-secretary'),
    });
    expect(coordinator.status).toBe(403);
  });

  it('a proposal without the quorum is 422 naming the rule', async () => {
    const result = await env.request('PUT', '/fhir/CarePlan/p-small', {
      token: tokens['demo.oncologist'],
      body: proposal('p-small', 'c-small', 'm-small', 'demo-patient'),
    });
    expect(result.status).toBe(422);
    expect(result.json.issue[0].diagnostics).toMatch(
      /RCP quorum: no participating physician for surgery or radiotherapy; pathology or radiology|RCP quorum: no participating physician for surgery or radiotherapy/,
    );
  });

  it('only participating physicians record a proposal, for a case on the agenda, with the quorum', async () => {
    const meetingId = RCP_DEMO.upcomingMeeting;
    const body = proposal('p-1', RCP_DEMO.demoPatientCase, meetingId, 'demo-patient');
    // Invited but not yet accepted.
    const early = await env.request('PUT', '/fhir/CarePlan/p-1', { token: tokens['demo.oncologist'], body });
    expect(early.status).toBe(403);
    for (const who of ['demo.secretary', 'demo.gp', 'demo.specialist']) {
      expect((await env.request('PUT', '/fhir/CarePlan/p-1', { token: tokens[who], body })).status, who).toBe(403);
    }
    expect(await answer(env, tokens['demo.oncologist']!, meetingId, 'Practitioner/demo-oncologist', 'accepted')).toBe(200);
    const notOnAgenda = await env.request('PUT', '/fhir/CarePlan/p-x', {
      token: tokens['demo.oncologist'],
      body: proposal('p-x', RCP_DEMO.pastCase, meetingId, 'demo-patient'),
    });
    expect(notOnAgenda.status).toBe(422);
    expect(notOnAgenda.json.issue[0].diagnostics).toMatch(/RCP rule: a proposal is for a case on the meeting's agenda/);
    const order = await env.request('PUT', '/fhir/CarePlan/p-1', {
      token: tokens['demo.oncologist'],
      body: { ...body, intent: 'order' },
    });
    expect([403, 422]).toContain(order.status);
    const recorded = await env.request('PUT', '/fhir/CarePlan/p-1', { token: tokens['demo.oncologist'], body });
    expect(recorded.status).toBe(201);
  });

  it('minutes go to the DSP under the presenter’s right, are only replaced, and the DSP shows the replacement', async () => {
    const oncologist = tokens['demo.oncologist']!;
    const caseId = RCP_DEMO.demoPatientCase;
    const first = await env.request('POST', `/fhir/Task/${caseId}/$publish-minutes`, {
      token: oncologist,
      body: minutes('min-1', caseId, RCP_DEMO.upcomingMeeting, 'demo-patient'),
    });
    expect(first.status).toBe(201);
    // Never changed in place.
    const doc = (await env.request('GET', '/fhir/DocumentReference/min-1', { token: oncologist })).json;
    expect(
      (
        await env.request('PUT', '/fhir/DocumentReference/min-1', {
          token: oncologist,
          body: { ...doc, description: 'x' },
          headers: { 'if-match': `W/"${doc.meta.versionId}"` },
        })
      ).status,
    ).toBe(409);
    const second = await env.request('POST', `/fhir/Task/${caseId}/$publish-minutes`, {
      token: oncologist,
      body: minutes('min-2', caseId, RCP_DEMO.upcomingMeeting, 'demo-patient', 'min-1'),
    });
    expect(second.status).toBe(201);
    const gp = tokens['demo.gp'];
    const dsp = await env.request('GET', '/fhir/DocumentReference?patient=Patient/demo-patient&_count=1000', { token: gp });
    const byId = new Map(
      (dsp.json.entry ?? []).map((e: { resource: { id: string; status: string } }) => [e.resource.id, e.resource.status]),
    );
    expect(byId.get('min-1')).toBe('superseded');
    expect(byId.get('min-2')).toBe('current');
    // A participant not on the board of this case publishes nothing; nor does anyone for a case without a proposal.
    const noProposal = await env.request('POST', '/fhir/Task/rcp-demo-case-2/$publish-minutes', {
      token: oncologist,
      body: minutes('min-3', 'rcp-demo-case-2', RCP_DEMO.upcomingMeeting, 'demo-patient-2'),
    });
    expect(noProposal.status).toBe(422);
  });

  it('minutes need the presenter’s right on the DSP', async () => {
    const oncologist = tokens['demo.oncologist']!;
    // Case 2 is presented by the oncologist, who has no right on demo-patient-2's DSP.
    expect(
      (
        await env.request('PUT', '/fhir/CarePlan/p-2', {
          token: oncologist,
          body: proposal('p-2', 'rcp-demo-case-2', RCP_DEMO.upcomingMeeting, 'demo-patient-2'),
        })
      ).status,
    ).toBe(201);
    const refused = await env.request('POST', '/fhir/Task/rcp-demo-case-2/$publish-minutes', {
      token: oncologist,
      body: minutes('min-4', 'rcp-demo-case-2', RCP_DEMO.upcomingMeeting, 'demo-patient-2'),
    });
    expect(refused.status).toBe(403);
    expect(refused.json.issue[0].diagnostics).toMatch(
      /the presenter Practitioner\/demo-oncologist has no right to write to this DSP/,
    );
  });

  it('a board member without a right on the DSP does not see its documents through the case; the presenter attaches a copy, recorded', async () => {
    const pathologist = tokens['demo.pathologist'];
    const source = 'DocumentReference/dsp-demo-patient-18748-4';
    expect((await env.request('GET', `/fhir/${source}`, { token: pathologist })).status).toBe(403);
    const gp = tokens['demo.gp'];
    const task = (await env.request('GET', `/fhir/Task/${RCP_DEMO.demoPatientCase}`, { token: gp })).json;
    const copy = {
      type: { coding: [{ system: 'https://esante.lu/fhir/CodeSystem/rcp', code: 'case-document' }] },
      valueAttachment: {
        contentType: 'text/plain',
        data: Buffer.from('Scanner thoracique').toString('base64'),
        title: 'Scanner',
      },
      extension: [{ url: 'https://esante.lu/fhir/StructureDefinition/rcp-copied-from', valueReference: { reference: source } }],
    };
    const updated = await env.request('PUT', `/fhir/Task/${RCP_DEMO.demoPatientCase}`, {
      token: gp,
      body: { ...task, input: [copy] },
      headers: { 'if-match': `W/"${task.meta.versionId}"` },
    });
    expect(updated.status).toBe(200);
    const seen = await env.request('GET', `/fhir/Task/${RCP_DEMO.demoPatientCase}`, { token: pathologist });
    expect(seen.json.input[0].valueAttachment.title).toBe('Scanner');
    expect((await env.request('GET', `/fhir/${source}`, { token: pathologist })).status).toBe(403);
    const log = await env.request('GET', '/fhir/Patient/demo-patient/$access-log?_count=1000', { token: tokens['demo.patient'] });
    expect(JSON.stringify(log.json)).toMatch(
      /a copy of DocumentReference\/dsp-demo-patient-18748-4 attached to the case dossier/,
    );
    // A pathologist (no DSP right) cannot launder a DSP document into the dossier.
    const laundering = await env.request('PUT', `/fhir/Task/${RCP_DEMO.demoPatientCase}`, {
      token: pathologist,
      body: seen.json,
      headers: { 'if-match': `W/"${seen.json.meta.versionId}"` },
    });
    expect(laundering.status).toBe(403);
  });
});

describe('the other ways in: _include, conditional create, transaction entries', () => {
  it('the coordinator includes the agenda’s items: the cases are left out (no clinical content), and the refusal is logged', async () => {
    const secretary = tokens['demo.secretary']!;
    const found = await env.request('GET', `/fhir/List?_id=${RCP_DEMO.upcomingAgenda}&_include=List:item`, { token: secretary });
    expect(found.status).toBe(200);
    const types = (found.json.entry ?? []).map((e: { resource: { resourceType: string } }) => e.resource.resourceType);
    expect(types).toEqual(['List']);
    // A member gets the cases with the agenda.
    const member = await env.request('GET', `/fhir/List?_id=${RCP_DEMO.upcomingAgenda}&_include=List:item`, {
      token: tokens['demo.pathologist'],
    });
    expect(
      (member.json.entry ?? []).filter((e: { search: { mode: string } }) => e.search.mode === 'include').length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('a conditional create by someone outside the board never matches nor echoes a case', async () => {
    const nurse = tokens['demo.nurse']!;
    const result = await env.request('POST', '/fhir/Task', {
      token: nurse,
      body: rcpCase('ignored', 'demo-patient', 'Practitioner/demo-nurse'),
      headers: { 'if-none-exist': `_id=${RCP_DEMO.demoPatientCase}` },
    });
    expect(result.status).not.toBe(200);
    expect(JSON.stringify(result.json)).not.toContain('deuxième ligne');
  });

  it('a transaction entry follows the same rules: a proposal by a non-participant fails the whole Bundle', async () => {
    const gp = tokens['demo.gp']!;
    const result = await env.request('POST', '/fhir', {
      token: gp,
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            resource: proposal('p-tx', RCP_DEMO.demoPatientCase, RCP_DEMO.upcomingMeeting, 'demo-patient'),
            request: { method: 'PUT', url: 'CarePlan/p-tx' },
          },
        ],
      },
    });
    expect(result.status).toBe(403);
    expect((await env.request('GET', '/fhir/CarePlan/p-tx', { token: tokens['demo.oncologist'] })).status).toBe(404);
  });
});
