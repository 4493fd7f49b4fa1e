/**
 * `POST /fhir/Task/<case>/$publish-minutes` (issue 12): a participating physician publishes the board's
 * minutes for one case to its patient's DSP. The document is a DSP document like any other (read under
 * the DSP table; its author reads it by rule 4), written here because the right it needs is the
 * presenter's: the presenter must hold a DSP write right on that patient (ARCHITECTURE §5). Minutes are
 * never changed: a correction is new minutes that `replace` the current ones, which become superseded in
 * the same transaction. The body is the DocumentReference itself, with a client-chosen id (replays are
 * answered from the ledger like every write).
 */
import type { CarePlan, DocumentReference } from 'fhir/r4';
import {
  caseOf,
  caseOfMinutes,
  casesOnAgenda,
  agendaOf,
  isRcpMinutes,
  isRcpProposal,
  meetingOf,
  participantsOf,
  patientOfCase,
  presenterOf,
  RCP_MINUTES_DOCUMENT_TYPE,
} from '../../../src-shared/domain/rcp';
import { isHidden, LOINC_SYSTEM } from '../../../src-shared/domain/dsp';
import type { Role } from '../../../src-shared/domain/roles';
import { DspGate, decisionText } from '../dsp/dsp-access';
import { FhirError } from '../fhir/fhir-error';
import { versionResponse, type FhirResponse } from '../fhir/fhir-response';
import type { WriteContext } from '../fhir/request-context';
import { resourceTypeDef } from '../fhir/resource-types';
import { appendValidated, auditWrite, stamp } from '../fhir/version-writer';
import type { OperationDefinition } from '../policy/resource-policy';
import { agenda, meeting, noMemo, rcpCase, searchAll } from './rcp-board';
import { isPhysician } from './rcp-decision';

const DOCUMENT = resourceTypeDef('DocumentReference')!;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

function fail(
  ctx: WriteContext,
  status: 403 | 404 | 409 | 422,
  message: string,
  caseRef: string,
  patients: string[],
  expression?: string,
): FhirError {
  const code = status === 403 ? 'forbidden' : status === 404 ? 'not-found' : status === 409 ? 'conflict' : 'invariant';
  const error = new FhirError(status, {
    code,
    diagnostics: `$publish-minutes ${caseRef}: ${message}`,
    ...(expression ? { expression } : {}),
  });
  error.auditFacts = {
    principal: ctx.principal,
    interaction: 'create',
    outcome: '4',
    outcomeDescription: `RCP minutes: ${message}`,
    entities: [caseRef],
    patients,
    recorded: ctx.now,
  };
  return error;
}

async function publishMinutes(
  ctx: WriteContext,
  caseId: string,
  body: unknown,
  baseUrl: string,
): Promise<FhirResponse | FhirError> {
  const caseRef = `Task/${caseId}`;
  const scope = noMemo(ctx.tx);
  const task = await rcpCase(scope, caseRef);
  // A case the caller cannot know of answers like one that does not exist.
  if (!task) return fail(ctx, 404, 'not found', caseRef, []);
  const patient = patientOfCase(task)!;
  const patients = [patient];
  const doc = body as DocumentReference | null;
  if (!doc || typeof doc !== 'object' || doc.resourceType !== 'DocumentReference')
    return fail(ctx, 422, 'the body is the minutes DocumentReference', caseRef, patients, 'DocumentReference');
  const meetingRef = ((doc.context?.related ?? []).map((r) => r.reference).find((r) => r?.startsWith('Appointment/')) ??
    undefined) as string | undefined;
  const board = await meeting(scope, meetingRef);
  const seat = board ? participantsOf(board).find((p) => p.actor === ctx.principal.userRef) : undefined;
  if (!board || !meetingRef || !isPhysician(ctx.principal.role) || seat?.role !== 'member' || seat.status !== 'accepted')
    return fail(
      ctx,
      403,
      'minutes are published by a physician participating in the meeting (DocumentReference.context.related → the meeting)',
      caseRef,
      patients,
    );
  const list = await agenda(scope, agendaOf(board));
  if (!list || meetingOf(list) !== meetingRef || !casesOnAgenda(list).includes(caseRef))
    return fail(ctx, 422, `${caseRef} is not on ${meetingRef}'s agenda`, caseRef, patients, 'DocumentReference.context.related');
  const proposals = await searchAll<CarePlan>(ctx.tx, 'CarePlan', { 'rcp-case': caseRef });
  if (!proposals.some((p) => isRcpProposal(p) && caseOf(p) === caseRef && meetingOf(p) === meetingRef))
    return fail(
      ctx,
      422,
      `no proposal recorded for ${caseRef} at ${meetingRef}: record it before publishing the minutes`,
      caseRef,
      patients,
    );
  if (typeof doc.id !== 'string' || !ID.test(doc.id))
    return fail(ctx, 422, 'the minutes carry their id (client-chosen)', caseRef, patients, 'DocumentReference.id');
  if (await ctx.tx.current('DocumentReference', doc.id))
    return fail(
      ctx,
      409,
      `DocumentReference/${doc.id} exists: minutes are never overwritten`,
      caseRef,
      patients,
      'DocumentReference.id',
    );
  if (doc.subject?.reference !== patient)
    return fail(ctx, 422, `the minutes of ${caseRef} go to ${patient}'s DSP`, caseRef, patients, 'DocumentReference.subject');
  if (isHidden(doc))
    return fail(ctx, 403, 'only the patient hides a document', caseRef, patients, 'DocumentReference.meta.security');
  if (!isRcpMinutes(doc) || caseOfMinutes(doc) !== caseRef)
    return fail(
      ctx,
      422,
      `minutes carry the category rcp|minutes and name ${caseRef} in context.related`,
      caseRef,
      patients,
      'DocumentReference.category',
    );
  if (!(doc.type?.coding ?? []).some((c) => c.system === LOINC_SYSTEM && c.code === RCP_MINUTES_DOCUMENT_TYPE))
    return fail(ctx, 422, `minutes are of DSP type ${RCP_MINUTES_DOCUMENT_TYPE}`, caseRef, patients, 'DocumentReference.type');
  const attachment = doc.content?.[0]?.attachment;
  if (
    attachment?.contentType !== 'application/pdf' ||
    !attachment.data ||
    !Buffer.from(attachment.data, 'base64').subarray(0, 5).equals(Buffer.from('%PDF-'))
  )
    return fail(
      ctx,
      422,
      'minutes are a PDF (content[0].attachment: application/pdf with its data)',
      caseRef,
      patients,
      'DocumentReference.content[0].attachment',
    );

  // The right that counts is the presenter's (ARCHITECTURE §5): minutes go to the DSP under the DSP table.
  const presenter = presenterOf(task)!;
  const presenterRole = (await ctx.tx.roleOf(presenter)) as Role | undefined;
  const now = new Date(ctx.now);
  const decision = presenterRole
    ? await new DspGate(ctx.tx, { userRef: presenter, role: presenterRole }, now).decide('write', patient, undefined)
    : undefined;
  if (!decision?.allowed)
    return fail(
      ctx,
      403,
      `the presenter ${presenter} has no right to write to this DSP (${decision ? decisionText(decision) : 'no account'})`,
      caseRef,
      patients,
    );

  // A correction replaces the current minutes of this case; anything else it names is refused.
  for (const relation of doc.relatesTo ?? []) {
    const target = relation.target?.reference;
    if (relation.code !== 'replaces' || !target?.startsWith('DocumentReference/'))
      return fail(
        ctx,
        422,
        'minutes relate to earlier minutes only by replacing them',
        caseRef,
        patients,
        'DocumentReference.relatesTo',
      );
    const old = await ctx.tx.current('DocumentReference', target.slice('DocumentReference/'.length));
    const oldDoc = old?.resource as DocumentReference | undefined;
    if (!old || !oldDoc || !isRcpMinutes(oldDoc) || caseOfMinutes(oldDoc) !== caseRef)
      return fail(ctx, 422, `${target} is no minutes of ${caseRef}`, caseRef, patients, 'DocumentReference.relatesTo');
    if (oldDoc.status !== 'current')
      return fail(
        ctx,
        409,
        `${target} is ${oldDoc.status}; only the current minutes are replaced`,
        caseRef,
        patients,
        'DocumentReference.relatesTo',
      );
    const superseded = stamp({ ...oldDoc, status: 'superseded' }, old.id, old.versionId + 1, ctx.now);
    const stored = await appendValidated(ctx, DOCUMENT, superseded, old.versionId + 1, old.createdBy, undefined);
    await auditWrite(ctx, DOCUMENT, 'update', stored, superseded);
  }
  const minutes = stamp(
    { ...doc, status: 'current', author: doc.author ?? [{ reference: ctx.principal.userRef }] },
    doc.id,
    1,
    ctx.now,
  );
  const stored = await appendValidated(ctx, DOCUMENT, minutes, 1, ctx.principal.userRef, undefined);
  await auditWrite(ctx, DOCUMENT, 'create', stored, minutes);
  return versionResponse(201, stored, baseUrl);
}

export const PUBLISH_MINUTES: OperationDefinition = {
  name: 'publish-minutes',
  resourceType: 'Task',
  level: 'instance',
  method: 'POST',
  writes: true,
  parameters: [],
  run: (call) => publishMinutes(call.write!, call.id!, call.body, call.baseUrl),
};
