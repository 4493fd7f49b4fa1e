/**
 * Acceptance 1 of issue 5: the DSP access decision table (ARCHITECTURE §5) over real HTTP.
 * Roles × relationship (référent, trust circle with/without restricted, presence code valid/expired/used,
 * none, author, holder, no care mandate, no token) × confidentiality N/R/V × hidden × DSP open/closed,
 * for read (GET and search) and write (a new document). Each denied case must answer the specified
 * status AND leave an AuditEvent in the holder's access log.
 *
 * The expected outcome is written out here from the table, independently of access/dsp-decision.ts.
 * One platform; the relationships are set up once per group and every case of the group reuses them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src-shared/domain/roles';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { CONFIDENTIALITY, createDocument, documentBody, mustSimulate, simulate, type Json } from './dsp-harness';

type Who = Role | 'anonymous';
type Relation =
  'referent' | 'trust-circle' | 'trust-circle-restricted' | 'presence-valid' | 'presence-expired' | 'presence-used' | 'none';
type Level = 'N' | 'R' | 'V';

const PATIENT = 'demo-patient';
const REF: Record<Who, string> = {
  gp: 'Practitioner/demo-gp',
  specialist: 'Practitioner/demo-specialist',
  nurse: 'Practitioner/demo-nurse',
  'care-aide': 'Practitioner/demo-care-aide',
  secretary: 'Practitioner/demo-secretary',
  'facility-admin': 'Practitioner/demo-facility-admin',
  patient: `Patient/${PATIENT}`,
  anonymous: '',
};

/** Who stands in which relation in each group (everyone else: none). The care aide writes the fixtures: the author. */
const GROUPS: Array<{ name: string; relations: Partial<Record<Who, Relation>> }> = [
  { name: 'care relations', relations: { gp: 'referent', specialist: 'trust-circle-restricted', nurse: 'trust-circle' } },
  { name: 'presence codes', relations: { gp: 'presence-valid', specialist: 'presence-expired', nurse: 'presence-used' } },
  { name: 'no relation', relations: {} },
];
const WHO: Who[] = ['gp', 'specialist', 'nurse', 'care-aide', 'secretary', 'facility-admin', 'patient', 'anonymous'];
const AUTHOR: Who = 'care-aide';
const CARE = new Set<Who>(['gp', 'specialist', 'nurse', 'care-aide']);

interface Fixture {
  id: string;
  level: Level;
  hidden: boolean;
}

type Expected = { status: number; content?: 'full' | 'metadata' };

/** The read column of the table, first match wins. */
function expectedRead(who: Who, relation: Relation, doc: Fixture, closed: boolean): Expected {
  if (who === 'anonymous') return { status: 401 }; // 1
  if (who === 'patient') return { status: 200, content: 'full' }; // 2
  if (closed) return { status: 403 }; // 3
  if (!CARE.has(who)) return { status: 200, content: 'metadata' }; // 4
  if (who === AUTHOR) return { status: 200, content: 'full' }; // 5
  if (doc.hidden) return { status: 404 }; // 6
  const covered =
    relation === 'referent' // 7
      ? doc.level !== 'V'
      : relation === 'trust-circle-restricted' // 8
        ? doc.level !== 'V'
        : relation === 'trust-circle'
          ? doc.level === 'N'
          : relation === 'presence-valid' // 9
            ? doc.level === 'N'
            : false; // 10 (none, expired or used code)
  return covered ? { status: 200, content: 'full' } : { status: 403 };
}

/** The write column for a new document in the DSP. */
function expectedWrite(who: Who, relation: Relation, closed: boolean): number {
  if (who === 'anonymous') return 401;
  if (who === 'patient') return 201;
  if (closed) return 409;
  if (!CARE.has(who)) return 403;
  return ['referent', 'trust-circle', 'trust-circle-restricted', 'presence-valid'].includes(relation) ? 201 : 403;
}

let env: TestPlatform;
const tokens: Partial<Record<Who, string>> = {};
const fixtures: Fixture[] = [];
/** Denied cases, to be found in the access log: who, which entity, how many times. */
const denied = new Map<string, number>();
const cases: Array<{
  group: string;
  closed: boolean;
  who: Who;
  relation: Relation;
  doc?: Fixture;
  action: 'read' | 'search' | 'write';
  status: number;
  content?: 'full' | 'metadata';
  expected: Expected;
}> = [];
const searches: Array<{ who: Who; relation: Relation; closed: boolean; shown: string[]; expected: string[] }> = [];

const token = (who: Who) => (who === 'anonymous' ? undefined : tokens[who]);
const noteDenied = (who: Who, entity: string) => denied.set(`${who}|${entity}`, (denied.get(`${who}|${entity}`) ?? 0) + 1);

async function redeem(who: Who, code: string) {
  return env.request('POST', `/fhir/Patient/${PATIENT}/$redeem-presence-code`, {
    token: token(who)!,
    body: { code },
    contentType: 'application/json',
  });
}

async function issueCode(ttlSeconds?: number): Promise<string> {
  const issued = await mustSimulate(env, tokens.patient!, PATIENT, 'issue-presence-code', ttlSeconds ? { ttlSeconds } : {});
  return issued.parameter.find((p: Json) => p.name === 'code').valueString;
}

/** Puts everyone in the group's relation (and only that) to the demo patient. */
async function arrange(relations: Partial<Record<Who, Relation>>): Promise<void> {
  const holder = tokens.patient!;
  // Clear: no référent, nobody in the trust circle (presence grants are redeemed per group and expire on their own).
  await simulate(env, holder, PATIENT, 'revoke-referent');
  for (const who of ['gp', 'specialist', 'nurse', 'care-aide'] as Who[]) {
    await simulate(env, holder, PATIENT, 'remove-from-trust-circle', { practitioner: REF[who] });
    await simulate(env, holder, PATIENT, 'revoke-presence-grant', { practitioner: REF[who] });
  }
  let expiring: Promise<void> | undefined;
  for (const [who, relation] of Object.entries(relations) as Array<[Who, Relation]>) {
    if (relation === 'referent') await mustSimulate(env, holder, PATIENT, 'set-referent', { practitioner: REF[who] });
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
    const holder = Object.entries(relations).find(([, r]) => r === 'presence-valid')![0] as Who;
    expect([200, 201]).toContain((await redeem(holder, code)).status);
    expect((await redeem(used, code)).status).toBe(403);
  }
  await expiring;
}

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  for (const who of WHO) if (who !== 'anonymous') tokens[who] = await env.login(who);
  // The fixtures: N/R/V, visible and hidden, written by the care aide (then out of every relation).
  await mustSimulate(env, tokens.patient!, PATIENT, 'add-to-trust-circle', { practitioner: REF[AUTHOR], restricted: true });
  for (const level of ['N', 'R', 'V'] as Level[]) {
    for (const hidden of [false, true]) {
      const doc = await createDocument(env, tokens[AUTHOR]!, PATIENT, {
        meta: { security: [{ system: CONFIDENTIALITY, code: level }] },
        description: `${level}${hidden ? ' hidden' : ''}`,
      });
      if (hidden) await mustSimulate(env, tokens.patient!, PATIENT, 'hide-document', { document: `DocumentReference/${doc.id}` });
      fixtures.push({ id: doc.id, level, hidden });
    }
  }
  await mustSimulate(env, tokens.patient!, PATIENT, 'remove-from-trust-circle', { practitioner: REF[AUTHOR] });

  for (const group of GROUPS) {
    await arrange(group.relations);
    for (const closed of [false, true]) {
      if (closed) await mustSimulate(env, tokens.patient!, PATIENT, 'close-dsp');
      await Promise.all(
        WHO.map(async (who) => {
          const relation = group.relations[who] ?? 'none';
          for (const doc of fixtures) {
            const result = await env.request('GET', `/fhir/DocumentReference/${doc.id}`, { token: token(who) });
            const expected = expectedRead(who, relation, doc, closed);
            const content =
              result.status !== 200 ? undefined : result.json.content?.[0]?.attachment?.data === undefined ? 'metadata' : 'full';
            cases.push({
              group: group.name,
              closed,
              who,
              relation,
              doc,
              action: 'read',
              status: result.status,
              ...(content ? { content } : {}),
              expected,
            });
            if (expected.status >= 400) noteDenied(who, `DocumentReference/${doc.id}`);
          }
          if (who !== 'anonymous') {
            const search = await env.request(
              'GET',
              `/fhir/DocumentReference?${who === 'patient' ? `patient=Patient/${PATIENT}` : `subject=Patient/${PATIENT}`}&_count=1000`,
              { token: token(who) },
            );
            const found = new Set((search.json.entry ?? []).map((e: Json) => e.resource.id));
            const shown = fixtures.filter((d) => found.has(d.id)).map((d) => d.id);
            const expectedShown = fixtures.filter((d) => expectedRead(who, relation, d, closed).status === 200).map((d) => d.id);
            cases.push({
              group: group.name,
              closed,
              who,
              relation,
              action: 'search',
              status: search.status,
              expected: { status: 200 },
            });
            searches.push({ who, relation, closed, shown, expected: expectedShown });
          }
          const write = await env.request('POST', '/fhir/DocumentReference', {
            token: token(who),
            body: documentBody(PATIENT, { description: `by ${who}` }),
          });
          const status = expectedWrite(who, relation, closed);
          cases.push({ group: group.name, closed, who, relation, action: 'write', status: write.status, expected: { status } });
          if (status >= 400 && who !== 'anonymous') noteDenied(who, 'DocumentReference/new');
        }),
      );
      if (closed) await mustSimulate(env, tokens.patient!, PATIENT, 'reopen-dsp');
    }
  }
}, 120_000);

afterAll(() => env?.stop());

describe('the DSP decision table over HTTP', () => {
  it('covers every row of the table', () => {
    const statuses = new Set(cases.map((c) => `${c.action}:${c.expected.status}`));
    for (const s of ['read:200', 'read:401', 'read:403', 'read:404', 'write:201', 'write:401', 'write:403', 'write:409'])
      expect(statuses).toContain(s);
    expect(cases.filter((c) => c.action === 'read')).toHaveLength(GROUPS.length * 2 * WHO.length * fixtures.length);
  });

  it('each read answers the status of the first matching row, with content only where the row gives it', () => {
    const wrong = cases.filter(
      (c) => c.action === 'read' && (c.status !== c.expected.status || c.content !== c.expected.content),
    );
    expect(
      wrong.map(
        (c) =>
          `${c.group}${c.closed ? ' closed' : ''}: ${c.who} (${c.relation}) reading ${c.doc!.level}${c.doc!.hidden ? ' hidden' : ''} → ${c.status} ${c.content ?? ''}, expected ${c.expected.status} ${c.expected.content ?? ''}`,
      ),
    ).toEqual([]);
  });

  it('a search returns exactly the documents a read would, and silently leaves out the rest', () => {
    expect(cases.filter((c) => c.action === 'search' && c.status !== 200)).toEqual([]);
    expect(searches.filter((s) => s.shown.join() !== s.expected.join())).toEqual([]);
  });

  it('each write of a new document answers the status of the first matching row', () => {
    const wrong = cases.filter((c) => c.action === 'write' && c.status !== c.expected.status);
    expect(
      wrong.map(
        (c) =>
          `${c.group}${c.closed ? ' closed' : ''}: ${c.who} (${c.relation}) writing → ${c.status}, expected ${c.expected.status}`,
      ),
    ).toEqual([]);
  });

  it('every denied read and write is in the holder’s access log as a refused AuditEvent', async () => {
    const log = await env.request('GET', `/fhir/Patient/${PATIENT}/$access-log?_count=1000`, { token: tokens.patient! });
    expect(log.status).toBe(200);
    expect(log.json.entry.length).toBeLessThan(1000); // the whole log fits: counts below are exact
    const refused = new Map<string, number>();
    for (const { resource } of log.json.entry as Array<{ resource: Json }>) {
      if (resource.outcome !== '4') continue;
      const agent = resource.agent[0].who?.reference;
      const who =
        agent === undefined ? 'anonymous' : (Object.entries(REF).find(([, ref]) => ref === agent)?.[0] as Who | undefined);
      if (!who) continue;
      for (const entity of resource.entity as Json[]) {
        const what: string | undefined = entity.what?.reference;
        if (!what?.startsWith('DocumentReference/')) continue;
        const key = `${who}|${what.split('/_history')[0]}`;
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
