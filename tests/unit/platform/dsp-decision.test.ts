/**
 * The revised DSP decision table (ARCHITECTURE §5; dsp/dsp-decision.ts) as a pure function.
 * Named cases for each row, then every combination of who (each role, the holder, the holder's DSP
 * assistant, a patient who is not the holder, no token) × relation × N/R/V × hidden × open/closed ×
 * read/write × authorship × existing document or not, each compared with the table written out below,
 * independently of the implementation.
 */
import { describe, expect, it } from 'vitest';
import { decideDspAccess, type DspRequest } from '../../../src-main/platform/dsp/dsp-decision';
import { CONFIDENTIALITY_LEVELS, type Confidentiality } from '../../../src-shared/domain/confidentiality';
import { ROLES, type Role } from '../../../src-shared/domain/roles';

const NOW = new Date('2026-11-25T10:00:00Z');
const PATIENT = 'Patient/p1';
const ME = 'Practitioner/me';
const OTHER_PATIENT = 'Patient/someone-else';

type Relation = 'none' | 'referent' | 'circle' | 'circle+R' | 'code' | 'code-expired';
const RELATIONS: Relation[] = ['none', 'referent', 'circle', 'circle+R', 'code', 'code-expired'];

function request(options: {
  action?: 'read' | 'write';
  role?: Role | null;
  who?: string;
  relation?: Relation;
  closed?: boolean;
  document?: { author?: string; hidden?: boolean; confidentiality?: Confidentiality } | null;
  assistants?: string[];
}): DspRequest {
  const relation = options.relation ?? 'none';
  const doc =
    options.document === null
      ? undefined
      : {
          authorRef: options.document?.author ?? 'Practitioner/other',
          hidden: options.document?.hidden ?? false,
          confidentiality: options.document?.confidentiality ?? 'N',
        };
  return {
    action: options.action ?? 'read',
    principal: options.role === null ? null : { userRef: options.who ?? ME, role: options.role ?? 'gp' },
    patient: { ref: PATIENT, assistants: options.assistants ?? [], closed: options.closed ?? false },
    ...(doc ? { document: doc } : {}),
    relation: {
      referent: relation === 'referent',
      trustCircle:
        relation === 'circle' ? { includesRestricted: false } : relation === 'circle+R' ? { includesRestricted: true } : null,
      presenceGrantUntil:
        relation === 'code' ? '2026-11-25T12:00:00Z' : relation === 'code-expired' ? '2026-11-25T09:00:00Z' : null,
    },
    now: NOW,
  };
}

const outcome = (r: DspRequest) => {
  const d = decideDspAccess(r);
  return d.allowed ? `row ${d.row}: ${d.grant}` : `row ${d.row}: ${d.status}`;
};

describe('the revised DSP access decision table (ARCHITECTURE §5)', () => {
  it.each([
    ['1: no token → 401 for read', request({ role: null }), 'row 1: 401'],
    ['1: no token → 401 for write', request({ role: null, action: 'write' }), 'row 1: 401'],
    [
      '2: the holder reads everything, hidden and V included',
      request({ role: 'patient', who: PATIENT, document: { hidden: true, confidentiality: 'V' } }),
      'row 2: everything',
    ],
    [
      '2: the holder writes in the personal area only',
      request({ role: 'patient', who: PATIENT, action: 'write', document: null }),
      'row 2: personal-area',
    ],
    [
      '2: the holder’s DSP assistant is the holder, hidden V documents included',
      request({
        role: 'secretary',
        who: 'Practitioner/assistant',
        assistants: ['Practitioner/assistant'],
        document: { hidden: true, confidentiality: 'V' },
      }),
      'row 2: everything',
    ],
    [
      '2: the holder’s DSP assistant writes in the personal area',
      request({
        role: 'nurse',
        who: 'Practitioner/assistant',
        assistants: ['Practitioner/assistant'],
        action: 'write',
        document: null,
      }),
      'row 2: personal-area',
    ],
    ['2: the holder still reads a closed DSP', request({ role: 'patient', who: PATIENT, closed: true }), 'row 2: everything'],
    ['3: a closed DSP refuses reading with 403', request({ relation: 'referent', closed: true }), 'row 3: 403'],
    [
      '3: a closed DSP refuses writing with 409',
      request({ relation: 'referent', closed: true, action: 'write', document: null }),
      'row 3: 409',
    ],
    ['3: closed beats authorship', request({ closed: true, document: { author: ME } }), 'row 3: 403'],
    [
      '3: closed beats “a patient who is not the holder”',
      request({ role: 'patient', who: OTHER_PATIENT, closed: true }),
      'row 3: 403',
    ],
    [
      '4: the author reads their own V document',
      request({ document: { author: ME, confidentiality: 'V' } }),
      'row 4: own-document',
    ],
    [
      '4: the author reads their own document even if hidden',
      request({ document: { author: ME, hidden: true } }),
      'row 4: own-document',
    ],
    ['4: the author may only amend their document', request({ action: 'write', document: { author: ME } }), 'row 4: amend-only'],
    [
      '4: authorship comes before the role (a secretary who wrote a document reads it)',
      request({ role: 'secretary', document: { author: ME } }),
      'row 4: own-document',
    ],
    [
      '5: a secretary sees nothing of the DSP, not even metadata, even named référent',
      request({ role: 'secretary', relation: 'referent' }),
      'row 5: 403',
    ],
    [
      '5: a secretary lists nothing of the DSP',
      request({ role: 'secretary', relation: 'circle+R', document: null }),
      'row 5: 403',
    ],
    [
      '5: a facility admin sees nothing of the DSP, not even metadata',
      request({ role: 'facility-admin', relation: 'code' }),
      'row 5: 403',
    ],
    [
      '5: a facility admin writes nothing to the DSP',
      request({ role: 'facility-admin', relation: 'referent', action: 'write', document: null }),
      'row 5: 403',
    ],
    [
      '5: a patient who is not the holder sees nothing, not even metadata',
      request({ role: 'patient', who: OTHER_PATIENT }),
      'row 5: 403',
    ],
    [
      '5: a patient who is not the holder lists nothing',
      request({ role: 'patient', who: OTHER_PATIENT, document: null }),
      'row 5: 403',
    ],
    [
      '5: a patient who is not the holder writes nothing',
      request({ role: 'patient', who: OTHER_PATIENT, action: 'write', document: null }),
      'row 5: 403',
    ],
    [
      '5: no care mandate comes before hidden: 403, not 404',
      request({ role: 'secretary', document: { hidden: true } }),
      'row 5: 403',
    ],
    [
      '6: a hidden document does not exist for the référent',
      request({ relation: 'referent', document: { hidden: true } }),
      'row 6: 404',
    ],
    ['6: hidden does not exist without any right either (no hint)', request({ document: { hidden: true } }), 'row 6: 404'],
    [
      '7: a V document does not exist for the référent (no hint)',
      request({ relation: 'referent', document: { confidentiality: 'V' } }),
      'row 7: 404',
    ],
    [
      '7: a V document does not exist for a trust circle with restricted',
      request({ relation: 'circle+R', document: { confidentiality: 'V' } }),
      'row 7: 404',
    ],
    ['7: a V document does not exist without any right either', request({ document: { confidentiality: 'V' } }), 'row 7: 404'],
    ['8: the référent reads normal documents', request({ relation: 'referent' }), 'row 8: care'],
    [
      '8: the référent reads restricted documents',
      request({ relation: 'referent', document: { confidentiality: 'R' } }),
      'row 8: care',
    ],
    ['8: the référent adds documents', request({ relation: 'referent', action: 'write', document: null }), 'row 8: care'],
    [
      '8: the référent cannot overwrite another author’s document',
      request({ relation: 'referent', action: 'write' }),
      'row 8: 403',
    ],
    [
      '8: a nurse who is référent is judged by that relationship',
      request({ role: 'nurse', relation: 'referent', document: { confidentiality: 'R' } }),
      'row 8: care',
    ],
    ['9: the trust circle reads normal documents', request({ relation: 'circle' }), 'row 9: care'],
    [
      '9: the trust circle reads restricted only if the consent says so (no)',
      request({ relation: 'circle', document: { confidentiality: 'R' } }),
      'row 9: 403',
    ],
    [
      '9: the trust circle reads restricted only if the consent says so (yes)',
      request({ relation: 'circle+R', document: { confidentiality: 'R' } }),
      'row 9: care',
    ],
    ['9: the trust circle adds documents', request({ relation: 'circle', action: 'write', document: null }), 'row 9: care'],
    ['10: a valid presence code reads normal documents', request({ relation: 'code' }), 'row 10: care'],
    [
      '10: a valid presence code does not read restricted documents',
      request({ relation: 'code', document: { confidentiality: 'R' } }),
      'row 10: 403',
    ],
    ['10: a valid presence code adds documents', request({ relation: 'code', action: 'write', document: null }), 'row 10: care'],
    ['11: an expired presence code is no right', request({ relation: 'code-expired' }), 'row 11: 403'],
    ['11: no relationship, no access', request({}), 'row 11: 403'],
    ['11: no relationship, no list', request({ document: null }), 'row 11: 403'],
    ['11: no relationship, no write', request({ action: 'write', document: null }), 'row 11: 403'],
    ['11: a nurse without relationship', request({ role: 'nurse' }), 'row 11: 403'],
  ])('%s', (_name, req, expected) => {
    expect(outcome(req)).toBe(expected);
  });

  // ── Every combination, against the table written out here ──

  /** Who asks: a professional of each role, a patient who is not the holder, the holder, their assistant, or nobody. */
  type Who = Exclude<Role, 'patient'> | 'other-patient' | 'holder' | 'assistant' | 'anonymous';
  const WHO: Who[] = [
    ...ROLES.filter((r): r is Exclude<Role, 'patient'> => r !== 'patient'),
    'other-patient',
    'holder',
    'assistant',
    'anonymous',
  ];
  const NO_MANDATE = new Set<Who>(['secretary', 'facility-admin', 'other-patient']);
  const RELATION_ROW: Record<Relation, 8 | 9 | 10 | 11> = {
    referent: 8,
    circle: 9,
    'circle+R': 9,
    code: 10,
    'code-expired': 11,
    none: 11,
  };

  interface Combination {
    who: Who;
    relation: Relation;
    /** null: no document (adding a new one, or listing). */
    document: { confidentiality: Confidentiality; hidden: boolean; authored: boolean } | null;
    closed: boolean;
    action: 'read' | 'write';
  }

  /** The revised table, first match wins, as ARCHITECTURE §5 states it. */
  function expectedOutcome(c: Combination): string {
    const read = c.action === 'read';
    if (c.who === 'anonymous') return 'row 1: 401';
    if (c.who === 'holder' || c.who === 'assistant') return read ? 'row 2: everything' : 'row 2: personal-area';
    if (c.closed) return read ? 'row 3: 403' : 'row 3: 409';
    if (c.document?.authored) return read ? 'row 4: own-document' : 'row 4: amend-only';
    if (NO_MANDATE.has(c.who)) return 'row 5: 403';
    if (read && c.document?.hidden) return 'row 6: 404';
    if (read && c.document?.confidentiality === 'V') return 'row 7: 404';
    const row = RELATION_ROW[c.relation];
    if (row === 11) return 'row 11: 403';
    // Writing: a new document is a care right; another author's document is never one (row 4 is the author's).
    if (!read) return c.document ? `row ${row}: 403` : `row ${row}: care`;
    const level = c.document?.confidentiality ?? 'N';
    const covered = level === 'N' || row === 8 || (row === 9 && c.relation === 'circle+R');
    return covered ? `row ${row}: care` : `row ${row}: 403`;
  }

  function asRequest(c: Combination): DspRequest {
    const role: Role | null =
      c.who === 'anonymous'
        ? null
        : c.who === 'holder' || c.who === 'other-patient'
          ? 'patient'
          : c.who === 'assistant'
            ? 'secretary' // an assistant acts for the holder whatever their own role
            : c.who;
    const ref =
      c.who === 'holder'
        ? PATIENT
        : c.who === 'other-patient'
          ? OTHER_PATIENT
          : c.who === 'assistant'
            ? 'Practitioner/assistant'
            : ME;
    return request({
      role,
      who: ref,
      relation: c.relation,
      closed: c.closed,
      action: c.action,
      assistants: ['Practitioner/assistant'],
      document: c.document && {
        author: c.document.authored ? ref : 'Practitioner/other',
        hidden: c.document.hidden,
        confidentiality: c.document.confidentiality,
      },
    });
  }

  const documents: Combination['document'][] = [
    null,
    ...CONFIDENTIALITY_LEVELS.flatMap((confidentiality) =>
      [false, true].flatMap((hidden) => [false, true].map((authored) => ({ confidentiality, hidden, authored }))),
    ),
  ];
  const combinations: Combination[] = WHO.flatMap((who) =>
    RELATIONS.flatMap((relation) =>
      documents.flatMap((document) =>
        [false, true].flatMap((closed) =>
          (['read', 'write'] as const).map((action) => ({ who, relation, document, closed, action })),
        ),
      ),
    ),
  );

  it(`answers as the table over all ${combinations.length} combinations`, () => {
    expect(combinations.length).toBe(WHO.length * RELATIONS.length * (1 + 3 * 2 * 2) * 2 * 2);
    const wrong = combinations
      .map((c) => ({ c, got: outcome(asRequest(c)), expected: expectedOutcome(c) }))
      .filter(({ got, expected }) => got !== expected)
      .map(({ c, got, expected }) => `${JSON.stringify(c)}: ${got}, expected ${expected}`);
    expect(wrong).toEqual([]);
    // Every row of the table is reached.
    const rows = new Set(combinations.map((c) => expectedOutcome(c).split(':')[0]));
    expect([...rows].sort()).toEqual(Array.from({ length: 11 }, (_, i) => `row ${i + 1}`).sort());
  });

  it('holds the table’s promises in every combination', () => {
    for (const c of combinations) {
      const d = decideDspAccess(asRequest(c));
      const label = JSON.stringify(c);
      const holderSide = c.who === 'holder' || c.who === 'assistant';
      /** A professional with a care mandate, not the holder's side, in an open DSP: rows 6–11 apply. */
      const carer = !holderSide && c.who !== 'anonymous' && !NO_MANDATE.has(c.who) && !c.closed;
      // A closed DSP lets nobody but the holder (and their assistant) in.
      if (c.closed && !holderSide) expect(d.allowed, label).toBe(false);
      // No care mandate, or another patient: nothing at all (403, not a 404 that would tell hidden from absent),
      // unless it is their own document.
      if (NO_MANDATE.has(c.who) && !c.document?.authored && !c.closed)
        expect(d, label).toMatchObject({ allowed: false, status: 403 });
      // Very restricted and hidden: holder and author only; a carer is not even told they exist.
      if (
        (c.document?.confidentiality === 'V' || c.document?.hidden) &&
        !c.document.authored &&
        !holderSide &&
        c.action === 'read'
      )
        expect(d.allowed, label).toBe(false);
      if ((c.document?.confidentiality === 'V' || c.document?.hidden) && !c.document.authored && c.action === 'read' && carer)
        expect(d, label).toMatchObject({ allowed: false, status: 404 });
      // Nobody but the author (or the holder's side, in their personal area) changes an existing document.
      if (c.action === 'write' && c.document && d.allowed && !holderSide)
        expect(c.document.authored && d.grant === 'amend-only', label).toBe(true);
      // Denials carry a status of the table.
      if (!d.allowed) expect([401, 403, 404, 409], label).toContain(d.status);
    }
  });
});
