/**
 * The DSP decision table (dsp/dsp-decision.ts) applied to stored documents: builds each
 * DspRequest from the principal, the patient's Consents and the document, audits every decision,
 * and records what a rights change did to each user's view (grants and revocations for `$changes`).
 */
import type { Role } from '../../../src-shared/domain/roles';
import { decideDspAccess, type DspAction, type DspDecision } from './dsp-decision';
import { dspStateOf, relatedUsers, relationOf, type DspState } from './dsp-consents';
import {
  binariesOfDocument,
  confidentialityOf,
  documentOfBinary,
  dspKindOf,
  isHidden,
  patientOfDocument,
} from '../../../src-shared/domain/dsp';
import { SYSTEM_AUTHOR, type Principal } from '../policy/principal';
import type { AuditFacts, RestInteraction } from '../audit/audit-event';
import { FhirError } from '../fhir/fhir-error';
import { MAX_PAGE_SIZE, resourceTypeDef } from '../fhir/resource-types';
import { parseSearch } from '../fhir/search-query';
import type { DspChange, StorageTx, StoredVersion } from '../storage/platform-storage';

const CONSENT = resourceTypeDef('Consent')!;
const DOCUMENT = resourceTypeDef('DocumentReference')!;

/** Types whose every access passes the DSP decision table (a Binary only when it belongs to a document). */
export function isDspType(type: string): boolean {
  return type === 'DocumentReference' || type === 'Binary';
}

/** Every current version matching a search, all pages. */
async function searchAll(tx: StorageTx, type: typeof CONSENT, params: Record<string, string>): Promise<StoredVersion[]> {
  const rows: StoredVersion[] = [];
  const snapshot = await tx.currentSequence();
  const request = parseSearch(type, new URLSearchParams({ ...params, _count: String(MAX_PAGE_SIZE) }));
  for (;;) {
    const page = await tx.search(request, snapshot);
    rows.push(...page.rows);
    const last = page.rows[page.rows.length - 1];
    if (!page.hasMore || !last) return rows;
    request.page = { snapshot, after: { key: last.seq, seq: last.seq } };
  }
}

export async function loadDspState(tx: StorageTx, patientRef: string): Promise<DspState> {
  const consents = await searchAll(tx, CONSENT, { patient: patientRef });
  return dspStateOf(
    patientRef,
    consents.flatMap((row) => (row.resource ? [row.resource] : [])),
  );
}

/** The user who wrote the document: its creator, or (seeded by the platform) its first Practitioner author. */
export function authorOf(stored: StoredVersion): string {
  if (stored.createdBy !== SYSTEM_AUTHOR) return stored.createdBy;
  const author = (stored.resource as fhir4.DocumentReference | null)?.author?.find((a) =>
    a.reference?.startsWith('Practitioner/'),
  )?.reference;
  return author ?? SYSTEM_AUTHOR;
}

export interface DocumentDecision {
  decision: DspDecision;
  patient: string;
  /** The DocumentReference the decision is about (current version). */
  document: StoredVersion;
}

/** Per-request cache of DSP states and documents; decisions for one principal at one instant. */
export class DspGate {
  private readonly states = new Map<string, Promise<DspState>>();

  constructor(
    private readonly tx: StorageTx,
    readonly principal: { userRef: string; role: Role } | null,
    readonly now: Date = new Date(),
  ) {}

  state(patientRef: string): Promise<DspState> {
    let state = this.states.get(patientRef);
    if (!state) this.states.set(patientRef, (state = loadDspState(this.tx, patientRef)));
    return state;
  }

  forget(): void {
    this.states.clear();
  }

  /** The current DocumentReference a DocumentReference or document Binary version is governed by; undefined when none. */
  async documentFor(stored: StoredVersion): Promise<StoredVersion | undefined | 'orphan'> {
    if (stored.type === 'DocumentReference') {
      const current = await this.tx.current('DocumentReference', stored.id);
      return current?.resource ? current : stored.resource ? stored : 'orphan';
    }
    if (stored.type !== 'Binary' || !stored.resource) return undefined;
    const docId = documentOfBinary(stored.resource);
    if (docId === undefined) return undefined;
    const doc = await this.tx.current('DocumentReference', docId);
    return doc?.resource ? doc : 'orphan';
  }

  async decide(
    action: DspAction,
    patientRef: string,
    document: StoredVersion | undefined,
    principal = this.principal,
    now = this.now,
  ): Promise<DspDecision> {
    const state = await this.state(patientRef);
    return decideDspAccess({
      action,
      principal,
      patient: { ref: patientRef, assistants: state.assistants, closed: state.closed },
      ...(document?.resource
        ? {
            document: {
              authorRef: authorOf(document),
              hidden: isHidden(document.resource),
              confidentiality: confidentialityOf(document.resource),
            },
          }
        : {}),
      relation: principal
        ? relationOf(state, principal.userRef)
        : { referent: false, trustCircle: null, presenceGrantUntil: null },
      now,
    });
  }

  /** The read decision for a stored DocumentReference or document Binary; undefined when the DSP rules do not apply. */
  async decideRead(stored: StoredVersion): Promise<DocumentDecision | 'orphan' | undefined> {
    const document = await this.documentFor(stored);
    if (document === undefined || document === 'orphan') return document;
    const patient = patientOfDocument(document.resource!);
    if (patient === undefined) return undefined;
    return { decision: await this.decide('read', patient, document), patient, document };
  }
}

export function decisionText(decision: DspDecision): string {
  return decision.allowed
    ? `DSP rule ${decision.row}: allowed (${decision.grant})`
    : `DSP rule ${decision.row}: ${decision.reason}`;
}

export function dspAuditFacts(
  principal: Principal | null,
  interaction: RestInteraction,
  decision: DspDecision,
  patients: string[],
  entities: string[],
  query?: string,
): AuditFacts {
  return {
    principal,
    interaction,
    outcome: decision.allowed ? '0' : '4',
    outcomeDescription: decisionText(decision),
    entities,
    patients,
    ...(query !== undefined ? { query } : {}),
    recorded: new Date().toISOString(),
  };
}

/** The refusal the table specifies, carrying its audit facts (recorded by the HTTP layer). Hidden: 404 as if it did not exist. */
export function dspRefusal(decision: Extract<DspDecision, { allowed: false }>, entity: string, facts: AuditFacts): FhirError {
  const error =
    decision.status === 404
      ? new FhirError(404, { code: 'not-found', diagnostics: `${entity}: not found` })
      : new FhirError(
          decision.status,
          {
            code: decision.status === 401 ? 'login' : decision.status === 409 ? 'conflict' : 'forbidden',
            diagnostics: `${entity}: ${decision.reason} (DSP rule ${decision.row})`,
          },
          decision.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="esante"' } : {},
        );
  error.auditFacts = facts;
  return error;
}

// ── Rights changes: who gains and who loses which documents ──

async function documentsOfPatient(tx: StorageTx, patientRef: string): Promise<StoredVersion[]> {
  return searchAll(tx, DOCUMENT, { patient: patientRef });
}

async function visibleTo(
  gate: DspGate,
  tx: StorageTx,
  patientRef: string,
  documents: StoredVersion[],
  users: string[],
  nowOf: (user: string) => Date,
): Promise<Map<string, Set<string>>> {
  const visible = new Map<string, Set<string>>();
  for (const user of users) {
    const role = ((await tx.roleOf(user)) ?? 'specialist') as Role;
    const ids = new Set<string>();
    for (const doc of documents) {
      const decision = await gate.decide('read', patientRef, doc, { userRef: user, role }, nowOf(user));
      if (decision.allowed) ids.add(doc.id);
    }
    visible.set(user, ids);
  }
  return visible;
}

/**
 * Runs a change of the patient's rights (a Consent or a document's labels) and records, for every
 * user whose view of the DSP it alters, a 'revoke' or 'grant' row per document (and its Binaries),
 * sequenced with the version the change wrote. `before` lets a time-based loss (an expired presence
 * grant) be compared with the instant before it happened.
 */
export async function withDspTransitions(
  tx: StorageTx,
  patientRef: string,
  change: () => Promise<StoredVersion>,
  options: { before?: (user: string) => Date | undefined } = {},
): Promise<StoredVersion> {
  const now = new Date();
  const gateBefore = new DspGate(tx, null, now);
  const stateBefore = await gateBefore.state(patientRef);
  const docsBefore = await documentsOfPatient(tx, patientRef);
  const written = await change();
  const gateAfter = new DspGate(tx, null, now);
  const stateAfter = await gateAfter.state(patientRef);
  const docsAfter = await documentsOfPatient(tx, patientRef);
  const users = [
    ...new Set([
      ...relatedUsers(stateBefore),
      ...relatedUsers(stateAfter),
      ...docsAfter.map(authorOf).filter((a) => a !== SYSTEM_AUTHOR),
    ]),
  ];
  const visibleBefore = await visibleTo(gateBefore, tx, patientRef, docsBefore, users, (u) => options.before?.(u) ?? now);
  const visibleAfter = await visibleTo(gateAfter, tx, patientRef, docsAfter, users, () => now);
  const byId = new Map(docsAfter.map((d) => [d.id, d]));
  for (const d of docsBefore) if (!byId.has(d.id)) byId.set(d.id, d);
  const rows: DspChange[] = [];
  const add = (user: string, id: string, kind: 'revoke' | 'grant') => {
    rows.push({ seq: written.seq, principal: user, type: 'DocumentReference', id, kind });
    const doc = byId.get(id);
    for (const binary of doc?.resource ? binariesOfDocument(doc.resource) : [])
      rows.push({ seq: written.seq, principal: user, type: 'Binary', id: binary, kind });
  };
  for (const user of users) {
    const before = visibleBefore.get(user) ?? new Set<string>();
    const after = visibleAfter.get(user) ?? new Set<string>();
    for (const id of before) if (!after.has(id)) add(user, id, 'revoke');
    for (const id of after) if (!before.has(id)) add(user, id, 'grant');
  }
  if (rows.length > 0) await tx.addDspChanges(rows);
  return written;
}

/** The patients whose DSP documents a user's `$changes` may carry (the gate still decides each document). */
export async function dspPatientsOf(tx: StorageTx, principal: Principal): Promise<string[]> {
  if (principal.role === 'patient') return [principal.userRef];
  const consents = await searchAll(tx, CONSENT, { actor: principal.userRef, status: 'active' });
  const patients = new Set<string>();
  for (const row of consents) {
    const kind = dspKindOf(row.resource);
    const patient = (row.resource as fhir4.Consent | null)?.patient?.reference;
    if (kind && kind !== 'dsp-closed' && patient) patients.add(patient);
  }
  return [...patients].sort();
}
