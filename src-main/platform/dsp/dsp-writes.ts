/**
 * Writes to a DSP (issue 5): the decision table's write column, and the append-only rule for clinical
 * documents — a correction is a new DocumentReference that `replaces` the old one (set to superseded
 * in the same transaction); the only change to an existing document is `entered-in-error`, by its
 * author; a document or its Binary is never overwritten or deleted. DSP Consents are written by the
 * patient simulator operations only.
 */
import { documentOfBinary, dspKindOf, isHidden, patientOfDocument } from '../../../src-shared/domain/dsp';
import { FhirError, forbidden, notFound } from '../fhir/fhir-error';
import { danglingReferenceError } from '../fhir/validation';
import { resourceTypeDef, type ResourceTypeDef } from '../fhir/resource-types';
import type { StoredVersion } from '../storage/platform-storage';
import { authorOf, DspGate, dspAuditFacts, dspRefusal } from './dsp-access';
import type { WriteContext } from '../fhir/request-context';
import { appendValidated, auditWrite, stamp } from '../fhir/version-writer';
import { canonicalJson } from '../fhir/canonical-json';

const DOCUMENT = resourceTypeDef('DocumentReference')!;

const NEVER_OVERWRITTEN =
  'a DSP document is never overwritten: post a new DocumentReference with relatesTo [{code: "replaces", target: {reference: "DocumentReference/<id>"}}], or (its author) set status to entered-in-error';

type Json = Record<string, unknown>;

function sameExceptStatus(body: Json, current: fhir4.Resource): boolean {
  const strip = (r: unknown) => {
    const { meta, id: _id, status: _s, ...rest } = r as Json;
    const { versionId: _v, lastUpdated: _l, ...clientMeta } = (meta ?? {}) as Json;
    return canonicalJson({ ...rest, meta: clientMeta });
  };
  return strip(body) === strip(current);
}

async function decideWrite(
  ctx: WriteContext,
  gate: DspGate,
  patient: string,
  document: StoredVersion | undefined,
  entity: string,
) {
  const decision = await gate.decide('write', patient, document);
  if (!decision.allowed)
    throw dspRefusal(
      decision,
      entity,
      dspAuditFacts(ctx.principal, document ? 'update' : 'create', decision, [patient], [entity]),
    );
  return decision;
}

/** Targets of `relatesTo` with code `replaces` ("id"). */
function replacedIds(body: Json): string[] {
  const relates = Array.isArray(body.relatesTo) ? body.relatesTo : [];
  const ids: string[] = [];
  for (const r of relates) {
    const ref = (r as { code?: unknown; target?: { reference?: unknown } }).target?.reference;
    if ((r as { code?: unknown }).code === 'replaces' && typeof ref === 'string' && ref.startsWith('DocumentReference/'))
      ids.push(ref.slice('DocumentReference/'.length));
  }
  return ids;
}

/**
 * Rules for a create, update or delete (body undefined) of a DocumentReference, a document Binary or
 * a DSP Consent, before the generic write runs. Performs the supersession a correction implies.
 */
export async function guardDspWrite(
  ctx: WriteContext,
  def: ResourceTypeDef,
  id: string | undefined,
  body: Json | undefined,
): Promise<void> {
  if (def.type === 'Consent') {
    const current = id === undefined ? undefined : await ctx.tx.current('Consent', id);
    if (dspKindOf(body as fhir4.Resource | undefined) || dspKindOf(current?.resource)) {
      throw forbidden(
        'Consent: DSP rights (référent, trust circle, presence grant, closed DSP) are changed by the holder through the patient simulator operations only (POST /fhir/Patient/<id>/$…)',
      );
    }
    return;
  }
  if (def.type !== 'DocumentReference' && def.type !== 'Binary') return;
  const gate = new DspGate(ctx.tx, ctx.principal, new Date(ctx.now));
  const current = id === undefined ? undefined : await ctx.tx.current(def.type, id);
  const live = current?.resource ? current : undefined;

  if (def.type === 'Binary') {
    const docId = live
      ? documentOfBinary(live.resource!)
      : body
        ? documentOfBinary(body as unknown as fhir4.Resource)
        : undefined;
    if (docId === undefined) return;
    const doc = await ctx.tx.current('DocumentReference', docId);
    const patient = doc?.resource ? patientOfDocument(doc.resource) : undefined;
    if (live) {
      if (doc?.resource && patient) {
        const read = await gate.decide('read', patient, doc);
        if (!read.allowed && read.status === 404) throw notFound(`Binary/${id}: not found`);
      }
      throw new FhirError(body === undefined ? 405 : 409, {
        code: 'conflict',
        diagnostics: `Binary/${id}: the content of ${NEVER_OVERWRITTEN}`,
      });
    }
    // A document the caller may not read is, for their new Binary, exactly like one that does not exist:
    // the answer must not tell a hidden or very restricted document from an id that was never used.
    if (doc?.resource && patient && !(await gate.decide('read', patient, doc)).allowed) {
      throw danglingReferenceError({ type: 'DocumentReference', id: docId, expression: 'Binary.securityContext.reference' });
    }
    // A new Binary for an existing document: its author (or the holder) only; for a document to come, its own write decides.
    if (doc?.resource && patient) {
      const decision = await gate.decide('write', patient, doc);
      if (!decision.allowed || decision.grant === 'care') {
        const refusal = decision.allowed
          ? {
              allowed: false as const,
              row: decision.row,
              status: 403 as const,
              reason: 'only the author may add content to a document',
            }
          : decision;
        throw dspRefusal(
          refusal,
          `Binary/${id ?? 'new'}`,
          dspAuditFacts(ctx.principal, 'create', refusal, [patient], [`DocumentReference/${docId}`]),
        );
      }
    }
    return;
  }

  // DocumentReference
  if (body === undefined) {
    if (!live) return; // the generic delete answers 404 / 204
    throw new FhirError(
      405,
      {
        code: 'not-supported',
        diagnostics: `DocumentReference/${id}: a DSP document is never deleted — its author sets status to entered-in-error`,
      },
      { Allow: 'GET, PUT' },
    );
  }
  const patient = patientOfDocument(body as unknown as fhir4.Resource) ?? (live ? patientOfDocument(live.resource!) : undefined);
  if (patient === undefined) return; // validation refuses a document without its subject

  if (live) {
    const livePatient = patientOfDocument(live.resource!);
    const entity = `DocumentReference/${id}`;
    if (livePatient !== undefined) {
      const read = await gate.decide('read', livePatient, live);
      if (!read.allowed && read.status === 404)
        throw dspRefusal(read, entity, dspAuditFacts(ctx.principal, 'update', read, [livePatient], [entity]));
      await decideWriteAmend(ctx, gate, livePatient, live, entity);
    }
    const status = (body as { status?: unknown }).status;
    const currentStatus = (live.resource as fhir4.DocumentReference).status;
    if (!sameExceptStatus(body, live.resource!) || !(status === 'entered-in-error' && currentStatus !== 'entered-in-error')) {
      throw new FhirError(409, { code: 'conflict', diagnostics: `${entity}: ${NEVER_OVERWRITTEN}` });
    }
    return;
  }

  // A new document.
  if (isHidden(body as unknown as fhir4.Resource) && !(ctx.principal.role === 'patient' && ctx.principal.userRef === patient)) {
    throw forbidden(
      'DocumentReference.meta.security: only the patient hides a document (POST /fhir/Patient/<id>/$hide-document)',
    );
  }
  const replaced = replacedIds(body);
  // A correction is decided against the document it replaces (rule 5: its author amends it); anything else is a new document.
  if (replaced.length === 0) await decideWrite(ctx, gate, patient, undefined, `DocumentReference/${id ?? 'new'}`);
  for (const oldId of replaced) {
    const old = await ctx.tx.current('DocumentReference', oldId);
    const entity = `DocumentReference/${oldId}`;
    if (!old?.resource || patientOfDocument(old.resource) !== patient) {
      throw new FhirError(422, {
        code: 'not-found',
        diagnostics: `DocumentReference.relatesTo: ${entity} is no document of ${patient}`,
        expression: 'DocumentReference.relatesTo',
      });
    }
    await decideWriteAmend(ctx, gate, patient, old, entity);
    const status = (old.resource as fhir4.DocumentReference).status;
    if (status !== 'current')
      throw new FhirError(409, {
        code: 'conflict',
        diagnostics: `DocumentReference.relatesTo: ${entity} is ${status}; only a current document can be replaced`,
      });
    const next = stamp({ ...(old.resource as fhir4.DocumentReference), status: 'superseded' }, oldId, old.versionId + 1, ctx.now);
    const stored = await appendValidated(ctx, DOCUMENT, next, old.versionId + 1, old.createdBy, undefined);
    await auditWrite(ctx, DOCUMENT, 'update', stored, next);
  }
}

/** A change to an existing document: its author only (rule 5), or the holder for a document they wrote. */
async function decideWriteAmend(
  ctx: WriteContext,
  gate: DspGate,
  patient: string,
  document: StoredVersion,
  entity: string,
): Promise<void> {
  const decision = await decideWrite(ctx, gate, patient, document, entity);
  if (decision.allowed && decision.grant === 'personal-area' && authorOf(document) !== ctx.principal.userRef) {
    const refusal = {
      allowed: false as const,
      row: 2,
      status: 403 as const,
      reason: 'the holder amends only what they wrote (personal area)',
    };
    throw dspRefusal(refusal, entity, dspAuditFacts(ctx.principal, 'update', refusal, [patient], [entity]));
  }
}
