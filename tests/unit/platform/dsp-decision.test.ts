import { describe, expect, it } from 'vitest';
import { decideDspAccess, type DspRequest } from '../../../src-main/platform/dsp/dsp-decision';
import { CONFIDENTIALITY_LEVELS, type Confidentiality } from '../../../src-shared/domain/confidentiality';
import { hasCareMandate, ROLES, type Role } from '../../../src-shared/domain/roles';

const NOW = new Date('2026-11-25T10:00:00Z');
const PATIENT = 'Patient/p1';
const ME = 'Practitioner/me';

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

describe('DSP access decision table (ARCHITECTURE §5)', () => {
  it.each([
    ['1: no token → 401 for read', request({ role: null }), 'row 1: 401'],
    ['1: no token → 401 for write', request({ role: null, action: 'write' }), 'row 1: 401'],
    [
      '2: the holder reads everything, hidden included',
      request({ role: 'patient', who: PATIENT, document: { hidden: true, confidentiality: 'V' } }),
      'row 2: everything',
    ],
    [
      '2: the holder writes in the personal area only',
      request({ role: 'patient', who: PATIENT, action: 'write', document: null }),
      'row 2: personal-area',
    ],
    [
      '2: the holder’s DSP assistant is the holder',
      request({ role: 'patient', who: 'Patient/daughter', assistants: ['Patient/daughter'], document: { hidden: true } }),
      'row 2: everything',
    ],
    ['2: the holder still reads a closed DSP', request({ role: 'patient', who: PATIENT, closed: true }), 'row 2: everything'],
    ['3: a closed DSP refuses reading with 403', request({ relation: 'referent', closed: true }), 'row 3: 403'],
    [
      '3: a closed DSP refuses writing with 409',
      request({ relation: 'referent', closed: true, action: 'write', document: null }),
      'row 3: 409',
    ],
    ['3: closed beats authorship', request({ closed: true, document: { author: ME } }), 'row 3: 403'],
    ['4: a secretary sees metadata only', request({ role: 'secretary', relation: 'referent' }), 'row 4: metadata-only'],
    [
      '4: a facility admin cannot write',
      request({ role: 'facility-admin', relation: 'referent', action: 'write', document: null }),
      'row 4: 403',
    ],
    [
      '5: the author reads their own V document',
      request({ document: { author: ME, confidentiality: 'V' } }),
      'row 5: own-document',
    ],
    [
      '5: the author reads their own document even if hidden',
      request({ document: { author: ME, hidden: true } }),
      'row 5: own-document',
    ],
    ['5: the author may only amend their document', request({ action: 'write', document: { author: ME } }), 'row 5: amend-only'],
    [
      '6: a hidden document does not exist for the référent',
      request({ relation: 'referent', document: { hidden: true } }),
      'row 6: 404',
    ],
    ['6: hidden does not exist without any right either (no hint)', request({ document: { hidden: true } }), 'row 6: 404'],
    ['7: the référent reads normal documents', request({ relation: 'referent' }), 'row 7: care'],
    [
      '7: the référent reads restricted documents',
      request({ relation: 'referent', document: { confidentiality: 'R' } }),
      'row 7: care',
    ],
    [
      '7: the référent does not read very restricted documents',
      request({ relation: 'referent', document: { confidentiality: 'V' } }),
      'row 7: 403',
    ],
    ['7: the référent adds documents', request({ relation: 'referent', action: 'write', document: null }), 'row 7: care'],
    [
      '7: the référent cannot overwrite another author’s document',
      request({ relation: 'referent', action: 'write' }),
      'row 7: 403',
    ],
    ['8: the trust circle reads normal documents', request({ relation: 'circle' }), 'row 8: care'],
    [
      '8: the trust circle reads restricted only if the consent says so (no)',
      request({ relation: 'circle', document: { confidentiality: 'R' } }),
      'row 8: 403',
    ],
    [
      '8: the trust circle reads restricted only if the consent says so (yes)',
      request({ relation: 'circle+R', document: { confidentiality: 'R' } }),
      'row 8: care',
    ],
    ['8: the trust circle never reads V', request({ relation: 'circle+R', document: { confidentiality: 'V' } }), 'row 8: 403'],
    ['8: the trust circle adds documents', request({ relation: 'circle', action: 'write', document: null }), 'row 8: care'],
    ['9: a valid presence code reads normal documents', request({ relation: 'code' }), 'row 9: care'],
    [
      '9: a valid presence code does not read restricted documents',
      request({ relation: 'code', document: { confidentiality: 'R' } }),
      'row 9: 403',
    ],
    ['9: a valid presence code adds documents', request({ relation: 'code', action: 'write', document: null }), 'row 9: care'],
    ['10: an expired presence code is no right', request({ relation: 'code-expired' }), 'row 10: 403'],
    ['10: no relationship, no access', request({}), 'row 10: 403'],
    ['10: no relationship, no write', request({ action: 'write', document: null }), 'row 10: 403'],
    ['10: a nurse without relationship', request({ role: 'nurse' }), 'row 10: 403'],
    [
      '7: a nurse in a care relationship is judged by that relationship',
      request({ role: 'nurse', relation: 'referent' }),
      'row 7: care',
    ],
  ])('%s', (_name, req, expected) => {
    expect(outcome(req)).toBe(expected);
  });

  // Every combination of role × relation × confidentiality × hidden × open/closed × action × authorship.
  const combinations = ROLES.flatMap((role) =>
    RELATIONS.flatMap((relation) =>
      CONFIDENTIALITY_LEVELS.flatMap((confidentiality) =>
        [false, true].flatMap((hidden) =>
          [false, true].flatMap((closed) =>
            (['read', 'write'] as const).flatMap((action) =>
              [false, true].map((authored) => ({ role, relation, confidentiality, hidden, closed, action, authored })),
            ),
          ),
        ),
      ),
    ),
  );

  it(`holds its invariants over all ${combinations.length} combinations`, () => {
    expect(combinations.length).toBe(ROLES.length * 6 * 3 * 2 * 2 * 2 * 2);
    for (const c of combinations) {
      const who = c.role === 'patient' ? 'Patient/someone-else' : ME;
      const req = request({
        role: c.role,
        who,
        relation: c.relation,
        closed: c.closed,
        action: c.action,
        document: { author: c.authored ? who : 'Practitioner/other', hidden: c.hidden, confidentiality: c.confidentiality },
      });
      const d = decideDspAccess(req);
      const label = JSON.stringify(c);
      // A closed DSP lets nobody but the holder in.
      if (c.closed) expect(d.allowed, label).toBe(false);
      // No content for a role without a care mandate (patients other than the holder included).
      if (!hasCareMandate(c.role) && d.allowed) expect(d.grant, label).toBe('metadata-only');
      // Very restricted: holder and author only.
      if (c.confidentiality === 'V' && !c.authored && d.allowed) expect(d.grant, label).toBe('metadata-only');
      // Hidden: a professional who is not the author never learns it exists.
      if (c.hidden && !c.authored && c.action === 'read' && hasCareMandate(c.role) && !c.closed)
        expect(d, label).toMatchObject({ allowed: false, status: 404 });
      // Nobody but the author changes an existing document.
      if (c.action === 'write' && d.allowed) expect(c.authored && d.grant === 'amend-only', label).toBe(true);
      // Denials carry a status of the table.
      if (!d.allowed) expect([401, 403, 404, 409], label).toContain(d.status);
    }
  });
});
