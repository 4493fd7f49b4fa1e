/**
 * The world of the ways-in matrix (issue 9, acceptance 2): who calls, how each caller stands to the
 * demo patient's DSP, and the documents they probe. Set up once over real HTTP, and described as data,
 * so that the expected outcome of every cell is the pure `decideDspAccess` of the cell's DspRequest.
 *
 * Callers: the demo accounts (gp, specialist, nurse, care aide, secretary, facility admin, the holder)
 * plus accounts this file adds through the storage API the way seed-platform.ts does (there is no
 * demo login for them): another patient, two DSP assistants (one with a care role, one a secretary —
 * row 2 comes before row 5), a GP with no relation, and the author of the shared fixtures.
 */
import { randomUUID } from 'node:crypto';
import type { Confidentiality } from '../../../src-shared/domain/confidentiality';
import type { Role } from '../../../src-shared/domain/roles';
import { hashPassword } from '../../../src-main/platform/auth/passwords';
import type { DspAction, DspRequest } from '../../../src-main/platform/dsp/dsp-decision';
import { demoAccount } from '../../../src-main/platform/seed/demo-accounts';
import { openTestStorage } from '../../fixtures/test-storage';
import type { Json, TestPlatform } from '../platform/platform-harness';
import { CONFIDENTIALITY, documentBody, mustSimulate } from './dsp-harness';

export const PATIENT_ID = 'demo-patient';
export const PATIENT_REF = `Patient/${PATIENT_ID}`;

export type Relation =
  'holder' | 'assistant' | 'referent' | 'trust-circle-restricted' | 'trust-circle' | 'presence-grant' | 'none';

export interface Caller {
  name: string;
  role: Role;
  userRef: string;
  /** What ties the caller to the demo patient's DSP in this world (set up by `arrangeRelations`). */
  relation: Relation;
  login: { identifier: string; password: string; otp: string };
  /** Created by this file through the storage API (no demo account stands for it). */
  added?: { displayName: string };
}

const ADDED_PASSWORD = 'Matrix!2026-ways-in';
const ADDED_OTP = '123456';

function demo(name: string, role: Role, relation: Relation): Caller {
  const account = demoAccount(role);
  return {
    name,
    role,
    userRef: account.userRef,
    relation,
    login: { identifier: account.identifier, password: account.password, otp: account.otp },
  };
}

function added(name: string, role: Role, userRef: string, relation: Relation): Caller {
  return {
    name,
    role,
    userRef,
    relation,
    login: { identifier: `matrix.${name}`, password: ADDED_PASSWORD, otp: ADDED_OTP },
    added: { displayName: `Matrix ${name}` },
  };
}

/**
 * Every caller of the matrix, with one relation each: every relation has at least one professional,
 * and the secretary sits in the trust circle (with restricted) to prove rule 5 beats a consent.
 * `Patient/pat-000001` and the `prac-*` practitioners exist in the demo seed (patients ≥ 1).
 */
export const CALLERS: readonly Caller[] = [
  demo('gp', 'gp', 'referent'),
  demo('specialist', 'specialist', 'trust-circle-restricted'),
  demo('nurse', 'nurse', 'trust-circle'),
  demo('care-aide', 'care-aide', 'presence-grant'),
  added('gp-no-relation', 'gp', 'Practitioner/prac-gp-001', 'none'),
  demo('secretary', 'secretary', 'trust-circle-restricted'),
  demo('facility-admin', 'facility-admin', 'none'),
  demo('holder', 'patient', 'holder'),
  added('other-patient', 'patient', 'Patient/pat-000001', 'none'),
  added('assistant', 'nurse', 'Practitioner/prac-nurse-001', 'assistant'),
  added('assistant-secretary', 'secretary', 'Practitioner/prac-secretary-001', 'assistant'),
];

/** Writes the shared fixtures (N, R, V, hidden) while briefly in the trust circle; afterwards it has no relation. */
export const FIXTURE_AUTHOR: Caller = added('fixture-author', 'nurse', 'Practitioner/demo-nurse-2', 'none');

export const ASSISTANT_REFS = CALLERS.filter((c) => c.relation === 'assistant').map((c) => c.userRef);

export const DOC_STATES = ['N', 'R', 'V', 'hidden', 'author'] as const;
export type DocState = (typeof DOC_STATES)[number];

export interface Doc {
  state: DocState;
  id: string;
  binaryId: string;
  /** The user who wrote it (the caller, for an `author` document). */
  author: string;
  level: Confidentiality;
  hidden: boolean;
  /** Text only this document carries: finding it in a refused answer is a leak. */
  marker: string;
  dataB64: string;
  binaryB64: string;
}

export interface World {
  env: TestPlatform;
  tokens: Map<string, string>;
  /** The shared documents, by state (not `author`). */
  shared: Map<Exclude<DocState, 'author'>, Doc>;
  /** Each caller's own document (only callers the write column lets write to the DSP). */
  own: Map<string, Doc>;
  /** End of the care aide's presence grant (from the Consent the redemption wrote). */
  presenceGrantUntil: string | null;
  closed: boolean;
}

/** The caller's relation as the DspRequest wants it. */
export function relationOf(world: Pick<World, 'presenceGrantUntil'>, caller: Caller): DspRequest['relation'] {
  return {
    referent: caller.relation === 'referent',
    trustCircle:
      caller.relation === 'trust-circle' || caller.relation === 'trust-circle-restricted'
        ? { includesRestricted: caller.relation === 'trust-circle-restricted' }
        : null,
    presenceGrantUntil: caller.relation === 'presence-grant' ? world.presenceGrantUntil : null,
  };
}

/** The DspRequest of one cell: built from the world's description, never from what the platform answered. */
export function dspRequest(
  world: Pick<World, 'presenceGrantUntil' | 'closed'>,
  caller: Caller,
  action: DspAction,
  doc: Doc | undefined,
  now = new Date(),
): DspRequest {
  return {
    action,
    principal: { userRef: caller.userRef, role: caller.role },
    patient: { ref: PATIENT_REF, assistants: ASSISTANT_REFS, closed: world.closed },
    ...(doc ? { document: { authorRef: doc.author, hidden: doc.hidden, confidentiality: doc.level } } : {}),
    relation: relationOf(world, caller),
    now,
  };
}

/** Adds the accounts no demo login stands for, on a second connection to the running platform's database. */
export async function addAccounts(env: TestPlatform, callers: readonly Caller[]): Promise<void> {
  const toAdd = callers.filter((c) => c.added);
  const hashes = await Promise.all(toAdd.map((c) => hashPassword(c.login.password)));
  const storage = await openTestStorage(env.dataDir);
  try {
    await storage.write(async (tx) => {
      for (const [i, caller] of toAdd.entries()) {
        await tx.putAccount({
          identifier: caller.login.identifier,
          passwordHash: hashes[i]!,
          otp: caller.login.otp,
          role: caller.role,
          userRef: caller.userRef,
          displayName: caller.added!.displayName,
        });
      }
    });
  } finally {
    await storage.close();
  }
}

export async function login(env: TestPlatform, caller: Caller): Promise<string> {
  const result = await env.request('POST', '/auth/login', { body: caller.login, contentType: 'application/json' });
  if (result.status !== 200) throw new Error(`login as ${caller.name}: ${result.status} ${JSON.stringify(result.json)}`);
  return result.json.access_token as string;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** The body of a new document whose content (and Binary) only it carries. */
export function newDocument(state: DocState, author: string): { body: Json; doc: Omit<Doc, 'id'> } {
  const marker = `MX-${state}-${randomUUID()}`;
  const binaryId = `mx-bin-${randomUUID()}`;
  const doc = {
    state,
    binaryId,
    author,
    level: 'N' as Confidentiality,
    hidden: false,
    marker,
    dataB64: b64(`Note clinique ${marker}`),
    binaryB64: b64(`%PDF-1.4 ${marker}`),
  };
  const body = documentBody(PATIENT_ID, {
    description: marker,
    content: [
      { attachment: { contentType: 'text/plain', data: doc.dataB64 } },
      { attachment: { contentType: 'application/pdf', url: `Binary/${binaryId}` } },
    ],
  });
  return { body, doc };
}

/** The document's Binary, written by its author (only the author may add content to a document). */
export async function putBinary(env: TestPlatform, token: string, doc: Doc): Promise<void> {
  const put = await env.request('PUT', `/fhir/Binary/${doc.binaryId}`, {
    token,
    body: {
      resourceType: 'Binary',
      id: doc.binaryId,
      contentType: 'application/pdf',
      securityContext: { reference: `DocumentReference/${doc.id}` },
      data: doc.binaryB64,
    },
  });
  if (put.status !== 201) throw new Error(`Binary of ${doc.state}: ${put.status} ${JSON.stringify(put.json)}`);
}

/** The holder sets the document's confidentiality and hides it, as the state asks (new versions; v1 stays N, visible). */
export async function label(world: World, doc: Doc, level: Confidentiality, hidden: boolean): Promise<void> {
  const holder = world.tokens.get('holder')!;
  const document = `DocumentReference/${doc.id}`;
  if (level !== 'N')
    await mustSimulate(world.env, holder, PATIENT_ID, 'set-confidentiality', { document, confidentiality: level });
  if (hidden) await mustSimulate(world.env, holder, PATIENT_ID, 'hide-document', { document });
  doc.level = level;
  doc.hidden = hidden;
}

/** Puts every caller in its relation to the DSP, and only that (the seed's own consents included). */
export async function arrangeRelations(world: World): Promise<void> {
  const { env } = world;
  const holder = world.tokens.get('holder')!;
  const sim = (operation: string, body: Json = {}) => mustSimulate(env, holder, PATIENT_ID, operation, body);
  await sim('revoke-referent');
  // The seed puts the demo nurse in the trust circle (normal only): start from nobody.
  await sim('remove-from-trust-circle', { practitioner: demoAccount('nurse').userRef });
  for (const caller of CALLERS) {
    const practitioner = caller.userRef;
    if (caller.relation === 'referent') await sim('set-referent', { practitioner });
    if (caller.relation === 'trust-circle' || caller.relation === 'trust-circle-restricted')
      await sim('add-to-trust-circle', { practitioner, restricted: caller.relation === 'trust-circle-restricted' });
    if (caller.relation === 'assistant') await sim('add-assistant', { practitioner });
    if (caller.relation === 'presence-grant') {
      const issued = await sim('issue-presence-code');
      const code = issued.parameter.find((p: Json) => p.name === 'code').valueString as string;
      const redeemed = await env.request('POST', `/fhir/Patient/${PATIENT_ID}/$redeem-presence-code`, {
        token: world.tokens.get(caller.name)!,
        body: { code },
        contentType: 'application/json',
      });
      if (redeemed.status !== 201 && redeemed.status !== 200)
        throw new Error(`redeeming a presence code: ${redeemed.status} ${JSON.stringify(redeemed.json)}`);
      world.presenceGrantUntil = redeemed.json.provision.period.end as string;
    }
  }
}

/** The shared documents: written by the fixture author, then labelled by the holder. */
export async function writeSharedDocuments(world: World, authorToken: string): Promise<void> {
  const { env } = world;
  const holder = world.tokens.get('holder')!;
  const practitioner = FIXTURE_AUTHOR.userRef;
  await mustSimulate(env, holder, PATIENT_ID, 'add-to-trust-circle', { practitioner, restricted: true });
  const wanted: Array<[Exclude<DocState, 'author'>, Confidentiality, boolean]> = [
    ['N', 'N', false],
    ['R', 'R', false],
    ['V', 'V', false],
    ['hidden', 'N', true],
  ];
  for (const [state, level, hidden] of wanted) {
    const { body, doc: draft } = newDocument(state, practitioner);
    const created = await env.request('POST', '/fhir/DocumentReference', { token: authorToken, body });
    if (created.status !== 201) throw new Error(`fixture ${state}: ${created.status} ${JSON.stringify(created.json)}`);
    const doc: Doc = { ...draft, id: created.json.id as string };
    await putBinary(env, authorToken, doc);
    await label(world, doc, level, hidden);
    world.shared.set(state, doc);
  }
  await mustSimulate(env, holder, PATIENT_ID, 'remove-from-trust-circle', { practitioner });
}

export { CONFIDENTIALITY };
