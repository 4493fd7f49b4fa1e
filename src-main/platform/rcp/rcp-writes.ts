/**
 * Who writes what of a tumour board (issue 12): a coordinator (a secretary may be one) schedules the
 * meeting and its agenda; a participant answers the invitation and changes nothing else; a physician
 * registers a case for a patient they care for (or whose DSP they may write to), and the platform puts it
 * on the agenda of the meeting it names; only the physicians participating in a meeting record its
 * proposal, for a case on its agenda, with the meeting's quorum present. Every refusal names its rule
 * and reaches the patient's access log.
 */
import type { Appointment, CarePlan, List, Resource, Task } from 'fhir/r4';
import {
  agendaOf,
  caseDocumentsOf,
  caseOf,
  casesOnAgenda,
  conditionOfCase,
  isRcpAgenda,
  isRcpCase,
  isRcpCaseRecord,
  isRcpMeeting,
  isRcpProposal,
  meetingOf,
  missingQuorum,
  participantsOf,
  patientOfCase,
  presenterOf,
  quorumText,
  RCP_CODES,
  RCP_SYSTEM,
  type RcpQuorum,
} from '../../../src-shared/domain/rcp';
import type { AuditFacts, RestInteraction } from '../audit/audit-event';
import { careAccess, careRelationships } from '../care/care-relationship';
import { DspGate } from '../dsp/dsp-access';
import { FhirError } from '../fhir/fhir-error';
import type { WriteContext } from '../fhir/request-context';
import { resourceTypeDef } from '../fhir/resource-types';
import { appendValidated, auditWrite, stamp } from '../fhir/version-writer';
import type { WriteIntent } from '../policy/resource-policy';
import { agenda, kindOf, meeting, meetingsListing, noMemo, rcpCase, specialtiesOf, type BoardScope } from './rcp-board';
import { isPhysician } from './rcp-decision';
import { canonicalJson } from '../fhir/canonical-json';

const LIST = resourceTypeDef('List')!;

type Json = Record<string, unknown>;

/** A refusal with the facts the access log records (the pipeline writes them once the transaction has ended). */
function refused(
  ctx: WriteContext,
  status: 403 | 405 | 409 | 422,
  message: string,
  entity: string,
  patients: string[],
  expression?: string,
): FhirError {
  const code = status === 403 ? 'forbidden' : status === 405 ? 'not-supported' : status === 409 ? 'conflict' : 'invariant';
  const error = new FhirError(status, { code, diagnostics: `${entity}: ${message}`, ...(expression ? { expression } : {}) });
  const interaction: RestInteraction = 'update';
  error.auditFacts = {
    principal: ctx.principal,
    interaction,
    outcome: '4',
    outcomeDescription: `RCP: ${message}`,
    entities: [entity],
    patients,
    recorded: ctx.now,
  } satisfies AuditFacts;
  return error;
}

/** The resource without server-owned meta, for comparing what a caller changed. */
function content(resource: unknown): string {
  const { meta, id: _id, ...rest } = resource as Json;
  const { versionId: _v, lastUpdated: _l, ...clientMeta } = (meta ?? {}) as Json;
  return canonicalJson({ ...rest, meta: clientMeta });
}

export interface RcpWriteOptions {
  quorum: RcpQuorum;
}

/** The write rules of every tumour-board record; `intent.body` and `intent.current` may be of different kinds only to be refused. */
export async function guardRcpWrite(ctx: WriteContext, intent: WriteIntent, options: RcpWriteOptions): Promise<void> {
  const entity = `${intent.def.type}/${intent.id}`;
  const before = intent.current?.resource as Resource | null | undefined;
  const body = intent.body as unknown as Resource | undefined;
  const scope = noMemo(ctx.tx);
  if (!body)
    throw refused(ctx, 405, 'a tumour-board record is never deleted (cancel a meeting, close a case by its status)', entity, []);
  if (ctx.principal.role === 'patient') throw refused(ctx, 403, 'tumour-board records are written by professionals', entity, []);
  // A record keeps its kind: a case does not become a care task, nor a care task a case, by a change of code.
  if (before && kindOrNone(before) !== kindOrNone(body))
    throw refused(ctx, 422, 'a record keeps its kind (its RCP marker cannot be added or removed)', entity, []);
  switch (kindOf(body)) {
    case 'meeting':
      return writeMeeting(ctx, entity, before as Appointment | undefined, body as Appointment);
    case 'agenda':
      return writeAgenda(ctx, scope, entity, before as List | undefined, body as List);
    case 'case':
      return writeCase(ctx, scope, entity, before as Task | undefined, body as Task);
    case 'proposal':
      return writeProposal(ctx, scope, entity, before as CarePlan | undefined, body as CarePlan, options);
    case 'case-record':
      return writeCaseRecord(ctx, scope, entity, before ?? undefined, body);
  }
}

function kindOrNone(resource: Resource): string {
  if (
    isRcpMeeting(resource) ||
    isRcpAgenda(resource) ||
    isRcpCase(resource) ||
    isRcpProposal(resource) ||
    isRcpCaseRecord(resource)
  )
    return kindOf(resource);
  return 'none';
}

// ── Meetings ──

function writeMeeting(ctx: WriteContext, entity: string, before: Appointment | undefined, body: Appointment): void {
  const caller = ctx.principal.userRef;
  if (participantsOf(body).every((p) => p.role !== 'coordinator'))
    throw refused(ctx, 422, 'a meeting has at least one coordinator', entity, [], 'Appointment.participant.type');
  if (!before) {
    if (!participantsOf(body).some((p) => p.actor === caller && p.role === 'coordinator'))
      throw refused(ctx, 403, 'whoever schedules a meeting is its coordinator (list yourself as coordinator)', entity, []);
    return;
  }
  const seat = participantsOf(before).find((p) => p.actor === caller);
  if (seat?.role === 'coordinator') return;
  if (!seat) throw refused(ctx, 403, 'only a coordinator of the meeting changes it', entity, []);
  // A participant answers the invitation: their own participant.status, nothing else.
  const answered = structuredClone(body);
  const theirs = (answered.participant ?? []).find((p) => p.actor?.reference === caller);
  const was = (before.participant ?? []).find((p) => p.actor?.reference === caller);
  if (theirs && was) theirs.status = was.status;
  if (content(answered) !== content(before))
    throw refused(ctx, 403, 'a participant changes only their own answer (Appointment.participant.status)', entity, []);
}

// ── Agendas ──

async function writeAgenda(ctx: WriteContext, scope: BoardScope, entity: string, before: List | undefined, body: List) {
  const caller = ctx.principal.userRef;
  for (const version of before ? [before, body] : [body]) {
    const board = await meeting(scope, meetingOf(version));
    if (!board)
      throw refused(
        ctx,
        422,
        'an agenda names its meeting (extension rcp-meeting → an RCP Appointment)',
        entity,
        [],
        'List.extension',
      );
    if (!participantsOf(board).some((p) => p.actor === caller && p.role === 'coordinator'))
      throw refused(ctx, 403, 'only a coordinator of the meeting schedules its agenda', entity, []);
  }
  for (const [index, caseRef] of casesOnAgenda(body).entries()) {
    if (!(await rcpCase(scope, caseRef)))
      throw refused(ctx, 422, `${caseRef} is no tumour-board case`, entity, [], `List.entry[${index}].item`);
  }
}

// ── Cases ──

async function mayRegisterFor(ctx: WriteContext, patient: string): Promise<boolean> {
  const now = new Date(ctx.now);
  if (careAccess(await careRelationships(ctx.tx, ctx.principal, now), patient) === 'care') return true;
  const decision = await new DspGate(ctx.tx, ctx.principal, now).decide('write', patient, undefined);
  return decision.allowed;
}

async function writeCase(ctx: WriteContext, scope: BoardScope, entity: string, before: Task | undefined, body: Task) {
  const caller = ctx.principal.userRef;
  const patient = patientOfCase(body);
  if (!patient) throw refused(ctx, 422, 'a case is for a patient (Task.for → Patient)', entity, [], 'Task.for');
  if (!presenterOf(body)?.startsWith('Practitioner/'))
    throw refused(ctx, 422, 'a case names its presenter (Task.owner → Practitioner)', entity, [patient], 'Task.owner');
  if (!isPhysician(ctx.principal.role))
    throw refused(ctx, 403, `a case is registered and presented by a physician (your role: ${ctx.principal.role})`, entity, [
      patient,
    ]);
  if (before) {
    if (presenterOf(before) !== caller && before.requester?.reference !== caller)
      throw refused(ctx, 403, 'only the presenter or whoever registered the case changes it', entity, [patient]);
    if (patientOfCase(before) !== patient)
      throw refused(ctx, 422, 'a case stays with its patient', entity, [patient], 'Task.for');
  } else {
    if (body.requester?.reference !== caller)
      throw refused(ctx, 403, 'a case is registered in your own name (Task.requester)', entity, [patient], 'Task.requester');
    if (!(await mayRegisterFor(ctx, patient)))
      throw refused(ctx, 403, `no care relationship with ${patient} and no right to write to their DSP`, entity, [patient]);
  }
  const condition = conditionOfCase(body);
  if (condition) {
    const found = (await ctx.tx.current('Condition', condition.slice('Condition/'.length)))?.resource as Resource | undefined;
    // The primary Condition is the case's own (filed with it); one still to come in the same transaction is checked by its own write.
    if (found && (!isRcpCaseRecord(found) || caseOf(found) !== `Task/${body.id}`))
      throw refused(
        ctx,
        422,
        `${condition} is not this case's primary Condition (rcp-case → Task/${body.id})`,
        entity,
        [patient],
        'Task.focus',
      );
  }
  await checkCaseDocuments(ctx, entity, patient, before, body);
  const wanted = meetingOf(body);
  if (wanted && wanted !== (before ? meetingOf(before) : undefined))
    await putOnAgenda(ctx, scope, entity, patient, wanted, entity);
}

/**
 * Case documents: a DSP document by reference is read under the DSP table (a board member without a right
 * does not see it); a copy the presenter attaches must come from a document they may read, and is recorded
 * in the patient's access log.
 */
async function checkCaseDocuments(ctx: WriteContext, entity: string, patient: string, before: Task | undefined, body: Task) {
  const known = new Set((before?.input ?? []).map((input) => canonicalJson(input)));
  const gate = new DspGate(ctx.tx, ctx.principal, new Date(ctx.now));
  for (const [index, input] of (body.input ?? []).entries()) {
    if (known.has(canonicalJson(input))) continue;
    const isDocument = (input.type?.coding ?? []).some((c) => c.system === RCP_SYSTEM && c.code === RCP_CODES.caseDocument);
    if (!isDocument) continue;
    const [document] = caseDocumentsOf({ ...body, input: [input] });
    const source = document?.reference ?? document?.copy?.copiedFrom;
    if (!source) continue;
    const expression = `Task.input[${index}]`;
    const stored = source.startsWith('DocumentReference/')
      ? await ctx.tx.current('DocumentReference', source.slice('DocumentReference/'.length))
      : undefined;
    const docPatient = (stored?.resource as { subject?: { reference?: string } } | undefined)?.subject?.reference;
    if (!stored?.resource || docPatient !== patient)
      throw refused(ctx, 422, `${source} is no DSP document of ${patient}`, entity, [patient], expression);
    if (!document?.copy) continue;
    const decision = await gate.decide('read', patient, stored);
    if (!decision.allowed)
      throw refused(
        ctx,
        403,
        `a copy is attached by someone who may read ${source} (DSP rule ${decision.row})`,
        entity,
        [patient],
        expression,
      );
    await ctx.audit.recordInTransaction(ctx.tx, {
      principal: ctx.principal,
      interaction: 'update',
      outcome: '0',
      outcomeDescription: `RCP: a copy of ${source} attached to the case dossier ${entity}; the board reads the copy, not the DSP`,
      entities: [`${source}/_history/${stored.versionId}`, entity],
      patients: [patient],
      recorded: ctx.now,
    });
  }
}

/** Registering a case for a meeting puts it on that meeting's agenda (the platform writes the agenda's next version). */
async function putOnAgenda(
  ctx: WriteContext,
  scope: BoardScope,
  entity: string,
  patient: string,
  meetingRef: string,
  caseRef: string,
) {
  const board = await meeting(scope, meetingRef);
  if (!board || board.status === 'cancelled' || board.status === 'fulfilled' || board.status === 'entered-in-error')
    throw refused(ctx, 422, `${meetingRef} is no upcoming tumour-board meeting`, entity, [patient], 'Task.extension');
  const agendaRef = agendaOf(board);
  const list = await agenda(scope, agendaRef);
  if (!list || !agendaRef || meetingOf(list) !== meetingRef)
    throw refused(ctx, 422, `${meetingRef} has no agenda to put the case on`, entity, [patient], 'Task.extension');
  if (casesOnAgenda(list).includes(caseRef)) return;
  const stored = (await ctx.tx.current('List', agendaRef.slice('List/'.length)))!;
  const next = stamp(
    { ...list, entry: [...(list.entry ?? []), { item: { reference: caseRef }, date: ctx.now }] },
    list.id!,
    stored.versionId + 1,
    ctx.now,
  );
  const written = await appendValidated(ctx, LIST, next, stored.versionId + 1, stored.createdBy, undefined);
  await auditWrite(ctx, LIST, 'update', written, next);
}

// ── A case's Condition and staging Observations ──

/** Presenter, registrant, or a member physician of a meeting listing the case. */
async function worksOnCase(ctx: WriteContext, scope: BoardScope, task: Task, caseRef: string): Promise<boolean> {
  const caller = ctx.principal.userRef;
  if (!isPhysician(ctx.principal.role)) return false;
  if (presenterOf(task) === caller || task.requester?.reference === caller) return true;
  return (await meetingsListing(scope, caseRef)).some(({ meeting: board }) =>
    participantsOf(board).some((p) => p.actor === caller && p.role === 'member' && p.status !== 'declined'),
  );
}

async function writeCaseRecord(
  ctx: WriteContext,
  scope: BoardScope,
  entity: string,
  before: Resource | undefined,
  body: Resource,
) {
  for (const version of before ? [before, body] : [body]) {
    const caseRef = caseOf(version);
    const task = await rcpCase(scope, caseRef);
    if (!task || !caseRef)
      throw refused(
        ctx,
        422,
        `${caseRef ?? 'extension rcp-case'} names no tumour-board case`,
        entity,
        [],
        `${body.resourceType}.extension`,
      );
    const patient = patientOfCase(task)!;
    if ((version as { subject?: { reference?: string } }).subject?.reference !== patient)
      throw refused(
        ctx,
        422,
        `a record of ${caseRef} is about its patient ${patient}`,
        entity,
        [patient],
        `${body.resourceType}.subject`,
      );
    if (!(await worksOnCase(ctx, scope, task, caseRef)))
      throw refused(ctx, 403, "only the case's presenter and the board's physicians document it", entity, [patient]);
  }
}

// ── Proposals ──

async function writeProposal(
  ctx: WriteContext,
  scope: BoardScope,
  entity: string,
  before: CarePlan | undefined,
  body: CarePlan,
  options: RcpWriteOptions,
) {
  const caller = ctx.principal.userRef;
  for (const version of before ? [before, body] : [body]) {
    const caseRef = caseOf(version);
    const task = await rcpCase(scope, caseRef);
    const patient = task ? patientOfCase(task)! : undefined;
    const patients = patient ? [patient] : [];
    if (!task || !caseRef)
      throw refused(ctx, 422, 'a proposal names its case (extension rcp-case → Task)', entity, [], 'CarePlan.extension');
    const meetingRef = meetingOf(version);
    const board = await meeting(scope, meetingRef);
    if (!board || !meetingRef)
      throw refused(
        ctx,
        422,
        'a proposal names the meeting that made it (extension rcp-meeting → Appointment)',
        entity,
        patients,
        'CarePlan.extension',
      );
    const seat = participantsOf(board).find((p) => p.actor === caller);
    if (!isPhysician(ctx.principal.role) || seat?.role !== 'member' || seat.status !== 'accepted')
      throw refused(
        ctx,
        403,
        'only the physicians participating in the meeting (accepted) record its proposal',
        entity,
        patients,
      );
    if (version.intent !== 'proposal')
      throw refused(ctx, 422, "a board's proposal is never an order (intent: proposal)", entity, patients, 'CarePlan.intent');
    if (version.subject?.reference !== patient)
      throw refused(ctx, 422, `a proposal for ${caseRef} is about its patient ${patient}`, entity, patients, 'CarePlan.subject');
    const list = await agenda(scope, agendaOf(board));
    if (!list || meetingOf(list) !== meetingRef || !casesOnAgenda(list).includes(caseRef))
      throw refused(
        ctx,
        422,
        `RCP rule: a proposal is for a case on the meeting's agenda (${caseRef} is not on ${meetingRef}'s)`,
        entity,
        patients,
        'CarePlan.extension',
      );
    const present = new Set<string>();
    for (const p of participantsOf(board)) {
      if (p.role !== 'member' || p.status !== 'accepted') continue;
      // The directory says which specialty a participant holds; what the meeting claims counts for nothing.
      for (const specialty of await specialtiesOf(scope, p.actor, new Date(ctx.now))) present.add(specialty);
    }
    const missing = missingQuorum(options.quorum, present);
    if (missing.length > 0)
      throw refused(
        ctx,
        422,
        `RCP quorum: no participating physician for ${quorumText(missing)} (quorum: ${quorumText(options.quorum)})`,
        entity,
        patients,
      );
  }
}
