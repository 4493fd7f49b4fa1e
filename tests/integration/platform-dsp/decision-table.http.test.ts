/**
 * The revised DSP decision table (ARCHITECTURE §5) over real HTTP, regenerated from the table:
 * who (each professional role, the holder, the holder's DSP assistant, a patient who is not the holder,
 * no token) × relation (référent, trust circle with/without restricted, presence code valid/expired/used,
 * assistant, none, author) × N/R/V × hidden × DSP open/closed, for the read ways in (read, vread,
 * `_history`, search, `$changes`, the document's Binary), the conditional lookups (If-None-Exist on a
 * create, in a transaction entry and in a batch entry: the caller's own search, never revealing what it
 * may not read) and writing a new document. Each denied read and write must answer the specified status
 * AND leave a refused AuditEvent in the holder's access log.
 *
 * The expected outcome is written out here from the table, independently of dsp/dsp-decision.ts.
 * One platform; the relationships are set up once per group and every case of the group reuses them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobOf } from '../../../src-shared/domain/attachments';
import type { Role } from '../../../src-shared/domain/roles';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { CONFIDENTIALITY, createDocument, documentBody, mustSimulate, pull, simulate, type Json } from './dsp-harness';

type Who = Exclude<Role, 'patient'> | 'holder' | 'other-patient' | 'anonymous';
type Relation =
  | 'referent'
  | 'trust-circle'
  | 'trust-circle-restricted'
  | 'presence-valid'
  | 'presence-expired'
  | 'presence-used'
  | 'assistant'
  | 'none';
type Level = 'N' | 'R' | 'V';
type Way =
  | 'read'
  | 'vread'
  | 'history'
  | 'binary'
  | 'search'
  | 'changes'
  | 'conditional-create'
  | 'transaction-entry'
  | 'batch-entry'
  | 'write';
const LOOKUPS = ['conditional-create', 'transaction-entry', 'batch-entry'] as const;

const PATIENT = 'demo-patient';
/** The second demo patient: a patient who is not the holder of the DSP under test. */
const OTHER_PATIENT = { identifier: 'demo.patient2', userRef: 'Patient/demo-patient-2' };
const REF: Record<Who, string> = {
  gp: 'Practitioner/demo-gp',
  specialist: 'Practitioner/demo-specialist',
  nurse: 'Practitioner/demo-nurse',
  'care-aide': 'Practitioner/demo-care-aide',
  secretary: 'Practitioner/demo-secretary',
  'facility-admin': 'Practitioner/demo-facility-admin',
  holder: `Patient/${PATIENT}`,
  'other-patient': OTHER_PATIENT.userRef,
  anonymous: '',
};

/**
 * Who stands in which relation in each group (everyone else: none). The care aide writes the fixtures: the author.
 * The facility admin in the trust circle and the secretary as assistant show rows 5 and 2 against a relation.
 */
const GROUPS: Array<{ name: string; relations: Partial<Record<Who, Relation>> }> = [
  {
    name: 'care relations',
    relations: {
      gp: 'referent',
      specialist: 'trust-circle-restricted',
      nurse: 'trust-circle',
      'facility-admin': 'trust-circle-restricted',
    },
  },
  { name: 'presence codes', relations: { gp: 'presence-valid', specialist: 'presence-expired', nurse: 'presence-used' } },
  { name: 'assistant', relations: { secretary: 'assistant', nurse: 'assistant', gp: 'referent' } },
  { name: 'no relation', relations: {} },
];
const WHO: Who[] = [
  'gp',
  'specialist',
  'nurse',
  'care-aide',
  'secretary',
  'facility-admin',
  'holder',
  'other-patient',
  'anonymous',
];
const AUTHOR: Who = 'care-aide';
/** Row 5: no care mandate, or a patient who is not the holder. */
const NO_MANDATE = new Set<Who>(['secretary', 'facility-admin', 'other-patient']);

interface Fixture {
  id: string;
  /** The document's Binary (Binary.securityContext → the document). */
  binaryId: string;
  level: Level;
  hidden: boolean;
}

/** The read column of the table, first match wins: 200 always with the content. */
function expectedRead(who: Who, relation: Relation, doc: Fixture, closed: boolean): number {
  if (who === 'anonymous') return 401; // 1
  if (who === 'holder' || relation === 'assistant') return 200; // 2
  if (closed) return 403; // 3
  if (who === AUTHOR) return 200; // 4
  if (NO_MANDATE.has(who)) return 403; // 5
  if (doc.hidden) return 404; // 6
  if (doc.level === 'V') return 404; // 7
  const covered =
    relation === 'referent' // 8
      ? true
      : relation === 'trust-circle-restricted' // 9
        ? true
        : relation === 'trust-circle'
          ? doc.level === 'N'
          : relation === 'presence-valid' // 10
            ? doc.level === 'N'
            : false; // 11 (none, expired or used code)
  return covered ? 200 : 403;
}

/**
 * A search of the DSP: refused as a whole where the table refuses before any document (rows 1, 3 and 5: nothing
 * at all, not even metadata; a closed DSP); otherwise it answers 200 and returns exactly the documents a read
 * would (a hidden or V document, a missing right: silently left out).
 */
function expectedSearch(who: Who, relation: Relation, closed: boolean): number {
  if (who === 'anonymous') return 401;
  if (who === 'holder' || relation === 'assistant') return 200;
  if (closed || NO_MANDATE.has(who)) return 403;
  return 200;
}

/**
 * A conditional create whose lookup names one fixture (`subject=<the DSP>&_id=<the document>`): the lookup is
 * the caller's own search, so it finds the document exactly when a read would (200, the document); otherwise
 * the search refuses as a whole (403) or finds nothing and the create is judged as any new document.
 */
function expectedLookup(who: Who, relation: Relation, doc: Fixture, closed: boolean): number {
  if (expectedRead(who, relation, doc, closed) === 200) return 200;
  if (who === 'anonymous') return 401;
  if (expectedSearch(who, relation, closed) !== 200) return 403;
  return expectedWrite(who, relation, closed);
}

/** The write column for a new document in the DSP. */
function expectedWrite(who: Who, relation: Relation, closed: boolean): number {
  if (who === 'anonymous') return 401; // 1
  if (who === 'holder' || relation === 'assistant') return 201; // 2
  if (closed) return 409; // 3
  if (NO_MANDATE.has(who)) return 403; // 5
  return ['referent', 'trust-circle', 'trust-circle-restricted', 'presence-valid'].includes(relation) ? 201 : 403; // 8–11
}

let env: TestPlatform;
const tokens: Partial<Record<Who, string>> = {};
const fixtures: Fixture[] = [];
/** Denied cases, to be found in the access log: who, which entity, how many times. */
const denied = new Map<string, number>();
interface Case {
  group: string;
  closed: boolean;
  who: Who;
  relation: Relation;
  doc?: Fixture;
  way: Way;
  status: number;
  /** For a 200: whether the answer carried the document's content. */
  content?: boolean;
  /** Whether the answer named a fixture the caller may not read (a conditional lookup's leak). */
  leaked?: boolean;
  expected: number;
}
const cases: Case[] = [];
/** Which fixtures a listing (search or `$changes`) showed, and which a read would. */
const listings: Array<{ label: string; way: 'search' | 'changes'; shown: string[]; expected: string[] }> = [];

const token = (who: Who) => (who === 'anonymous' ? undefined : tokens[who]);
const noteDenied = (who: Who, entity: string) => denied.set(`${who}|${entity}`, (denied.get(`${who}|${entity}`) ?? 0) + 1);
const hasContent = (resource: Json) => typeof resource?.content?.[0]?.attachment?.data === 'string';
/** The status of a Bundle's only entry (transaction or batch), or the HTTP status when the whole Bundle failed. */
const entryStatus = (result: { status: number; json: Json }) =>
  result.status === 200 ? Number(String(result.json.entry?.[0]?.response?.status).slice(0, 3)) : result.status;
/**
 * The secretary named the holder's assistant: row 2 before row 5. Her cases are checked by their own test, so
 * that a failure there names that rule rather than drowning in the matrix.
 */
const noMandateAssistant = (c: { who: Who; relation: Relation }) => c.relation === 'assistant' && NO_MANDATE.has(c.who);
const wrongCase = (c: Case) => c.status !== c.expected || (c.status === 200 && !c.content) || c.leaked === true;
const describeCase = (c: Case) =>
  `${c.group}${c.closed ? ' closed' : ''}: ${c.who} (${c.relation}) ${c.way}${c.doc ? ` ${c.doc.level}${c.doc.hidden ? ' hidden' : ''}` : ''} → ${c.status}${c.status === 200 && c.content === false ? ' without content' : ''}, expected ${c.expected}`;

async function redeem(who: Who, code: string) {
  return env.request('POST', `/fhir/Patient/${PATIENT}/$redeem-presence-code`, {
    token: token(who)!,
    body: { code },
    contentType: 'application/json',
  });
}

async function issueCode(ttlSeconds?: number): Promise<string> {
  const issued = await mustSimulate(env, tokens.holder!, PATIENT, 'issue-presence-code', ttlSeconds ? { ttlSeconds } : {});
  return issued.parameter.find((p: Json) => p.name === 'code').valueString;
}

/** Puts everyone in the group's relation (and only that) to the demo patient. */
async function arrange(relations: Partial<Record<Who, Relation>>): Promise<void> {
  const holder = tokens.holder!;
  // Clear: no référent, nobody in the trust circle, no assistant (presence grants are redeemed per group and expire on their own).
  await simulate(env, holder, PATIENT, 'revoke-referent');
  for (const who of ['gp', 'specialist', 'nurse', 'care-aide', 'secretary', 'facility-admin'] as Who[]) {
    await simulate(env, holder, PATIENT, 'remove-from-trust-circle', { practitioner: REF[who] });
    await simulate(env, holder, PATIENT, 'revoke-presence-grant', { practitioner: REF[who] });
    await simulate(env, holder, PATIENT, 'remove-assistant', { practitioner: REF[who] });
  }
  let expiring: Promise<void> | undefined;
  for (const [who, relation] of Object.entries(relations) as Array<[Who, Relation]>) {
    if (relation === 'referent') await mustSimulate(env, holder, PATIENT, 'set-referent', { practitioner: REF[who] });
    if (relation === 'assistant') await mustSimulate(env, holder, PATIENT, 'add-assistant', { practitioner: REF[who] });
    if (relation === 'trust-circle' || relation === 'trust-circle-restricted') {
      await mustSimulate(env, holder, PATIENT, 'add-to-trust-circle', {
        practitioner: REF[who],
        restricted: relation === 'trust-circle-restricted',
      });
    }
    if (relation === 'presence-valid') expect([200, 201]).toContain((await redeem(who, await issueCode())).status);
    if (relation === 'presence-expired') {
      expect([200, 201]).toContain((await redeem(who, await issueCode(1))).status);
      expiring = new Promise((r) => setTimeout(r, 1100));
    }
  }
  const used = Object.entries(relations).find(([, r]) => r === 'presence-used')?.[0] as Who | undefined;
  if (used) {
    // A code already redeemed by a colleague gives nothing (single use): 403, and no grant.
    const code = await issueCode();
    const first = Object.entries(relations).find(([, r]) => r === 'presence-valid')![0] as Who;
    expect([200, 201]).toContain((await redeem(first, code)).status);
    expect((await redeem(used, code)).status).toBe(403);
  }
  await expiring;
}

/** Every way in for one person in one state of the DSP. */
async function probe(group: string, closed: boolean, who: Who, relation: Relation): Promise<void> {
  const base = { group, closed, who, relation };
  for (const doc of fixtures) {
    const expected = expectedRead(who, relation, doc, closed);
    const path = `/fhir/DocumentReference/${doc.id}`;
    const read = await env.request('GET', path, { token: token(who) });
    cases.push({ ...base, doc, way: 'read', status: read.status, content: hasContent(read.json), expected });
    const vread = await env.request('GET', `${path}/_history/1`, { token: token(who) });
    cases.push({ ...base, doc, way: 'vread', status: vread.status, content: hasContent(vread.json), expected });
    const history = await env.request('GET', `${path}/_history`, { token: token(who) });
    const versions: Json[] = history.json?.entry ?? [];
    cases.push({
      ...base,
      doc,
      way: 'history',
      status: history.status,
      content: versions.length > 0 && versions.every((e) => hasContent(e.resource)),
      expected,
    });
    // Its JSON names its blob (issue 10); its bytes answer to a non-FHIR Accept, with the same decision.
    const binary = await env.request('GET', `/fhir/Binary/${doc.binaryId}`, { token: token(who) });
    const bytes = await env.request('GET', `/fhir/Binary/${doc.binaryId}`, {
      token: token(who),
      headers: { accept: 'application/octet-stream' },
    });
    cases.push({
      ...base,
      doc,
      way: 'binary',
      status: bytes.status === binary.status ? binary.status : -bytes.status,
      content: blobOf(binary.json) !== undefined && typeof bytes.json === 'string' && bytes.json.length > 0,
      expected,
    });
    // Three refusals of this document, each in the access log (anonymous ones have no agent to find).
    if (expected >= 400 && who !== 'anonymous') for (let i = 0; i < 3; i++) noteDenied(who, `DocumentReference/${doc.id}`);

    // Conditional lookups naming this document: found exactly when readable, never echoed otherwise.
    const ifNoneExist = `subject=Patient/${PATIENT}&_id=${doc.id}`;
    const body = documentBody(PATIENT, { description: `lookup by ${who}` });
    const lookupExpected = expectedLookup(who, relation, doc, closed);
    const entry = { resource: body, request: { method: 'POST', url: 'DocumentReference', ifNoneExist } };
    const answers = {
      'conditional-create': await env.request('POST', '/fhir/DocumentReference', {
        token: token(who),
        body,
        headers: { 'If-None-Exist': ifNoneExist },
      }),
      'transaction-entry': await env.request('POST', '/fhir', {
        token: token(who),
        body: { resourceType: 'Bundle', type: 'transaction', entry: [entry] },
      }),
      'batch-entry': await env.request('POST', '/fhir', {
        token: token(who),
        body: { resourceType: 'Bundle', type: 'batch', entry: [entry] },
      }),
    };
    for (const way of LOOKUPS) {
      const result = answers[way];
      const status = way === 'conditional-create' ? result.status : entryStatus(result);
      const found = way === 'conditional-create' ? result.json : result.json?.entry?.[0]?.resource;
      cases.push({
        ...base,
        doc,
        way,
        status,
        content: status === 200 && found?.id === doc.id && hasContent(found),
        leaked: lookupExpected !== 200 && JSON.stringify(result.json ?? '').includes(doc.id),
        expected: lookupExpected,
      });
    }
  }
  const readable = fixtures.filter((d) => expectedRead(who, relation, d, closed) === 200).map((d) => d.id);
  const label = `${group}${closed ? ' closed' : ''}: ${who} (${relation})`;
  const search = await env.request(
    'GET',
    `/fhir/DocumentReference?${who === 'holder' ? 'patient' : 'subject'}=Patient/${PATIENT}&_count=1000`,
    { token: token(who) },
  );
  const found: Json[] = (search.json?.entry ?? []).map((e: Json) => e.resource);
  cases.push({
    ...base,
    way: 'search',
    status: search.status,
    content: found.every(hasContent),
    expected: expectedSearch(who, relation, closed),
  });
  if (search.status === 200) {
    const ids = new Set(found.map((r) => r.id));
    listings.push({ label, way: 'search', shown: fixtures.filter((d) => ids.has(d.id)).map((d) => d.id), expected: readable });
  }
  if (who !== 'anonymous') {
    // `$changes` from the start: what the caller's cache would hold now.
    const feed = await pull(env, token(who)!);
    const latest = new Map<string, Json>();
    for (const e of feed.entries) latest.set(e.request.url, e);
    const shown = fixtures.filter((d) => latest.get(`DocumentReference/${d.id}`)?.request.method === 'PUT').map((d) => d.id);
    listings.push({ label, way: 'changes', shown, expected: readable });
    const withoutContent = shown.filter((id) => !hasContent(latest.get(`DocumentReference/${id}`)!.resource));
    cases.push({ ...base, way: 'changes', status: 200, content: withoutContent.length === 0, expected: 200 });
  }
  const write = await env.request('POST', '/fhir/DocumentReference', {
    token: token(who),
    body: documentBody(PATIENT, { description: `by ${who}` }),
  });
  const status = expectedWrite(who, relation, closed);
  cases.push({ ...base, way: 'write', status: write.status, expected: status });
  if (status >= 400 && who !== 'anonymous') noteDenied(who, 'write');
}

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  for (const who of WHO) {
    if (who === 'anonymous') continue;
    tokens[who] =
      who === 'holder'
        ? await env.login('patient')
        : who === 'other-patient'
          ? await env.loginAs(OTHER_PATIENT.identifier)
          : await env.login(who);
  }
  // The fixtures: N/R/V, visible and hidden, written by the care aide (then out of every relation).
  await mustSimulate(env, tokens.holder!, PATIENT, 'add-to-trust-circle', { practitioner: REF[AUTHOR], restricted: true });
  for (const level of ['N', 'R', 'V'] as Level[]) {
    for (const hidden of [false, true]) {
      const doc = await createDocument(env, tokens[AUTHOR]!, PATIENT, {
        meta: { security: [{ system: CONFIDENTIALITY, code: level }] },
        description: `${level}${hidden ? ' hidden' : ''}`,
      });
      const binaryId = `bin-${level}${hidden ? '-hidden' : ''}`;
      const binary = await env.request('PUT', `/fhir/Binary/${binaryId}`, {
        token: tokens[AUTHOR]!,
        body: {
          resourceType: 'Binary',
          id: binaryId,
          contentType: 'application/pdf',
          securityContext: { reference: `DocumentReference/${doc.id}` },
          data: Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64'),
        },
      });
      expect(binary.status).toBe(201);
      if (hidden) await mustSimulate(env, tokens.holder!, PATIENT, 'hide-document', { document: `DocumentReference/${doc.id}` });
      fixtures.push({ id: doc.id, binaryId, level, hidden });
    }
  }
  await mustSimulate(env, tokens.holder!, PATIENT, 'remove-from-trust-circle', { practitioner: REF[AUTHOR] });

  for (const group of GROUPS) {
    await arrange(group.relations);
    for (const closed of [false, true]) {
      if (closed) await mustSimulate(env, tokens.holder!, PATIENT, 'close-dsp');
      await Promise.all(WHO.map((who) => probe(group.name, closed, who, group.relations[who] ?? 'none')));
      if (closed) await mustSimulate(env, tokens.holder!, PATIENT, 'reopen-dsp');
    }
  }
}, 180_000);

afterAll(() => env?.stop());

describe('the revised DSP decision table over HTTP', () => {
  it('covers every row of the table, every role, the holder, the assistant and a patient who is not the holder', () => {
    const statuses = new Set(cases.map((c) => `${c.way}:${c.expected}`));
    for (const s of [
      'read:200',
      'read:401',
      'read:403',
      'read:404',
      'search:200',
      'search:401',
      'search:403',
      'write:201',
      'write:401',
      'write:403',
      'write:409',
    ])
      expect(statuses).toContain(s);
    const reads = cases.filter((c) => c.way === 'read');
    expect(reads).toHaveLength(GROUPS.length * 2 * WHO.length * fixtures.length);
    expect(new Set(reads.map((c) => c.relation))).toEqual(
      new Set([
        'referent',
        'trust-circle',
        'trust-circle-restricted',
        'presence-valid',
        'presence-expired',
        'presence-used',
        'assistant',
        'none',
      ]),
    );
  });

  it.each(['read', 'vread', 'history', 'binary'] as const)(
    'each %s answers the status of the first matching row, and the content whenever it answers 200',
    (way) => {
      const wrong = cases.filter((c) => c.way === way && !noMandateAssistant(c) && wrongCase(c));
      expect(wrong.map(describeCase)).toEqual([]);
    },
  );

  it('a search is refused as a whole where the table gives nothing at all (rows 1, 3, 5), and otherwise returns exactly the documents a read would', () => {
    const wrong = cases.filter((c) => c.way === 'search' && !noMandateAssistant(c) && wrongCase(c));
    expect(wrong.map(describeCase)).toEqual([]);
    const listed = listings.filter((l) => l.way === 'search');
    expect(listed.length).toBeGreaterThan(20);
    expect(listed.filter((l) => l.shown.join() !== l.expected.join())).toEqual([]);
  });

  it('a $changes pull carries exactly the documents a read would, with their content', () => {
    expect(cases.filter((c) => c.way === 'changes' && !c.content).map(describeCase)).toEqual([]);
    expect(listings.filter((l) => l.way === 'changes' && l.shown.join() !== l.expected.join())).toEqual([]);
  });

  it.each(LOOKUPS)(
    'a %s lookup (If-None-Exist) finds the document exactly when a read would, and never reveals it otherwise',
    (way) => {
      const wrong = cases.filter((c) => c.way === way && !noMandateAssistant(c) && wrongCase(c));
      expect(wrong.map((c) => `${describeCase(c)}${c.leaked ? ' — LEAKED the document' : ''}`)).toEqual([]);
    },
  );

  it('a secretary named the holder’s assistant acts for the holder (row 2 before row 5) on every way in', () => {
    const hers = cases.filter(noMandateAssistant);
    // Open and closed: per document read, vread, _history, Binary and the three lookups; a search, a pull and a write.
    expect(hers).toHaveLength(2 * (fixtures.length * 7 + 3));
    expect(hers.filter(wrongCase).map(describeCase)).toEqual([]);
  });

  it('each write of a new document answers the status of the first matching row', () => {
    expect(cases.filter((c) => c.way === 'write' && c.status !== c.expected).map(describeCase)).toEqual([]);
  });

  it('every denied read, vread, history and write is in the holder’s access log as a refused AuditEvent', async () => {
    // $access-log shows the newest page and flushes queued read events; the AuditEvent search pages through all of it.
    expect((await env.request('GET', `/fhir/Patient/${PATIENT}/$access-log?_count=1`, { token: tokens.holder! })).status).toBe(
      200,
    );
    const refused = new Map<string, number>();
    let entries: Json[] = [];
    let next: string | undefined = `/fhir/AuditEvent?patient=Patient/${PATIENT}&_count=1000`;
    while (next) {
      const page = await env.request('GET', next, { token: tokens.holder! });
      expect(page.status).toBe(200);
      entries = entries.concat(page.json.entry);
      const link: string | undefined = page.json.link?.find((l: Json) => l.relation === 'next')?.url;
      next = link?.slice(env.url.length - '/fhir'.length);
    }
    for (const { resource } of entries as Array<{ resource: Json }>) {
      if (resource.outcome !== '4') continue;
      const agent = resource.agent[0].who?.reference;
      const who = Object.entries(REF).find(([, ref]) => ref === agent)?.[0] as Who | undefined;
      if (!who) continue;
      for (const entity of resource.entity as Json[]) {
        const what: string | undefined = entity.what?.reference;
        if (!what?.startsWith('DocumentReference/')) continue;
        const id = what.split('/_history')[0]!;
        const key = `${who}|${fixtures.some((d) => `DocumentReference/${d.id}` === id) ? id : 'write'}`;
        refused.set(key, (refused.get(key) ?? 0) + 1);
      }
    }
    const missing = [...denied]
      .filter(([key, count]) => (refused.get(key) ?? 0) < count)
      .map(([key, count]) => `${key}: ${refused.get(key) ?? 0} of ${count}`);
    expect(missing).toEqual([]);
    expect(denied.size).toBeGreaterThan(20);
  });
});
