/**
 * The patient simulator (ARCHITECTURE §5, issue 5): the holder of a DSP (or their DSP assistant)
 * declares the médecin référent and the trust circle, hides documents, sets their confidentiality,
 * closes the DSP, issues presence codes and reads the access log. Every right is a versioned,
 * audited resource (dsp/dsp-consents.ts); every change records who gained or lost which documents,
 * so the next `$changes` page of each affected user carries it. Professionals redeem presence codes.
 * Paths and bodies: src-main/platform/DSP.md.
 */
import { createHash, randomInt } from 'node:crypto';
import { CONFIDENTIALITY_LEVELS, type Confidentiality } from '../../../src-shared/domain/confidentiality';
import { hasCareMandate } from '../../../src-shared/domain/roles';
import { buildConsent, consentId, withSecurity } from './dsp-consents';
import { confidentialityOf, isHidden, patientOfDocument, type DspConsentKind } from '../../../src-shared/domain/dsp';
import { badRequest, FhirError, forbidden, notFound, unauthorized } from '../fhir/fhir-error';
import { MAX_PAGE_SIZE, resourceTypeDef } from '../fhir/resource-types';
import { parseSearch } from '../fhir/search-query';
import { ID_PATTERN } from '../fhir/validation';
import type { StoredVersion } from '../storage/platform-storage';
import { loadDspState, withDspTransitions } from './dsp-access';
import { versionResponse, type FhirResponse } from '../fhir/fhir-response';
import type { RequestContext, WriteContext } from '../fhir/request-context';
import { appendValidated, auditWrite, stamp } from '../fhir/version-writer';
import type { StorageTx } from '../storage/platform-storage';

const CONSENT = resourceTypeDef('Consent')!;
const AUDIT = resourceTypeDef('AuditEvent')!;

export const DEFAULT_PRESENCE_CODE_TTL_SECONDS = 3600;
export const MAX_PRESENCE_CODE_TTL_SECONDS = 24 * 3600;
export const MAX_PRESENCE_CODE_FAILURES = 5;
export const PRESENCE_LOCKOUT_MS = 5 * 60_000;

export const SIMULATOR_OPERATIONS = [
  'set-referent',
  'revoke-referent',
  'add-to-trust-circle',
  'remove-from-trust-circle',
  'hide-document',
  'unhide-document',
  'set-confidentiality',
  'close-dsp',
  'reopen-dsp',
  'issue-presence-code',
  'revoke-presence-grant',
  'add-assistant',
  'remove-assistant',
] as const;
export type SimulatorOperation = (typeof SIMULATOR_OPERATIONS)[number];

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function bodyOf(body: unknown): Json {
  if (body === undefined || body === null) return {};
  if (!isRecord(body)) throw badRequest('body: expected a JSON object');
  return body;
}

function practitionerParam(body: Json): string {
  const value = body.practitioner;
  if (typeof value !== 'string')
    throw badRequest('practitioner: required, e.g. "Practitioner/demo-gp"', 'practitioner', 'required');
  const m = /^Practitioner\/([A-Za-z0-9\-.]{1,64})$/.exec(value);
  if (!m) throw badRequest(`practitioner: "${value.slice(0, 80)}" is not a reference Practitioner/<id>`, 'practitioner', 'value');
  return value;
}

function documentParam(body: Json): string {
  const value = body.document;
  if (typeof value !== 'string') throw badRequest('document: required, e.g. "DocumentReference/<id>"', 'document', 'required');
  const id = value.startsWith('DocumentReference/') ? value.slice('DocumentReference/'.length) : value;
  if (!ID_PATTERN.test(id))
    throw badRequest(`document: "${value.slice(0, 80)}" is not a reference DocumentReference/<id>`, 'document', 'value');
  return id;
}

/** The holder, or the holder's DSP assistant; 403 for anyone else (whether or not the patient exists). */
export async function requireHolder(ctx: Pick<RequestContext, 'principal'>, tx: StorageTx, patientId: string): Promise<string> {
  const patientRef = `Patient/${patientId}`;
  const principal = ctx.principal!;
  if (principal.role === 'patient' && principal.userRef === patientRef) return patientRef;
  const state = await loadDspState(tx, patientRef);
  if (state.assistants.includes(principal.userRef)) return patientRef;
  throw forbidden(`Patient/${patientId}: only the holder of the DSP (or their DSP assistant) may do this`);
}

async function existingPractitioner(tx: StorageTx, ref: string): Promise<void> {
  if ((await tx.existing('Practitioner', [ref.slice('Practitioner/'.length)])).size === 0) {
    throw new FhirError(422, {
      code: 'not-found',
      diagnostics: `practitioner: ${ref} does not exist in the directory`,
      expression: 'practitioner',
    });
  }
}

/** Writes the next version of a resource on the caller's behalf (validated, indexed, audited). */
async function writeVersion(
  ctx: WriteContext,
  resource: fhir4.FhirResource & { id: string },
  current: StoredVersion | undefined,
): Promise<StoredVersion> {
  const def = resourceTypeDef(resource.resourceType)!;
  const versionId = (current?.versionId ?? 0) + 1;
  const stamped = stamp(resource, resource.id, versionId, ctx.now);
  const stored = await appendValidated(ctx, def, stamped, versionId, current?.createdBy ?? ctx.principal.userRef, undefined);
  await auditWrite(ctx, def, current ? 'update' : 'create', stored, stamped);
  return stored;
}

/** Sets one DSP Consent to (active, actor, …), recording who gained or lost documents; unchanged → no new version. */
async function putConsent(
  ctx: WriteContext,
  patientRef: string,
  kind: DspConsentKind,
  options: { active: boolean; actorRef?: string; restricted?: boolean; period?: { start: string; end: string } },
): Promise<FhirResponse> {
  const patientId = patientRef.slice('Patient/'.length);
  const id = consentId(kind, patientId, kind === 'referent' ? undefined : options.actorRef);
  const current = await ctx.tx.current('Consent', id);
  if (!options.active && !current?.resource) throw notFound(`Consent/${id}: no such right to revoke`);
  const previous = current?.resource as fhir4.Consent | undefined;
  const actorRef = options.actorRef ?? previous?.provision?.actor?.[0]?.reference?.reference;
  const next = buildConsent({
    id,
    kind,
    patientRef,
    active: options.active,
    ...(actorRef ? { actorRef } : {}),
    ...(options.restricted ? { restricted: true } : {}),
    ...(options.period ? { period: options.period } : {}),
    dateTime: ctx.now,
  });
  if (
    previous &&
    JSON.stringify({ ...previous, meta: undefined, dateTime: undefined }) ===
      JSON.stringify({ ...next, meta: undefined, dateTime: undefined })
  ) {
    return versionResponse(200, current!, ctx.baseUrl);
  }
  const stored = await withDspTransitions(ctx.tx, patientRef, () =>
    writeVersion(ctx, next as fhir4.Consent & { id: string }, current),
  );
  return versionResponse(current ? 200 : 201, stored, ctx.baseUrl);
}

async function patientDocument(ctx: WriteContext, patientRef: string, id: string): Promise<StoredVersion> {
  const current = await ctx.tx.current('DocumentReference', id);
  if (!current?.resource || patientOfDocument(current.resource) !== patientRef)
    throw notFound(`DocumentReference/${id}: not found in the DSP of ${patientRef}`);
  return current;
}

async function relabel(
  ctx: WriteContext,
  patientRef: string,
  id: string,
  change: { hidden?: boolean; confidentiality?: Confidentiality },
): Promise<FhirResponse> {
  const current = await patientDocument(ctx, patientRef, id);
  const doc = current.resource as fhir4.DocumentReference;
  if (
    (change.hidden === undefined || isHidden(doc) === change.hidden) &&
    (change.confidentiality === undefined || confidentialityOf(doc) === change.confidentiality)
  ) {
    return versionResponse(200, current, ctx.baseUrl);
  }
  const next = withSecurity(doc, change) as fhir4.DocumentReference & { id: string };
  const stored = await withDspTransitions(ctx.tx, patientRef, () => writeVersion(ctx, next, current));
  return versionResponse(200, stored, ctx.baseUrl);
}

const hashCode = (patientRef: string, code: string) => createHash('sha256').update(`${patientRef}|${code}`).digest('hex');

/** `POST /fhir/Patient/<id>/$<operation>` of the patient simulator, inside one write transaction. */
export async function runSimulatorOperation(
  ctx: WriteContext,
  patientId: string,
  operation: SimulatorOperation,
  rawBody: unknown,
  presenceCodeTtlSeconds: number,
): Promise<FhirResponse> {
  const patientRef = await requireHolder(ctx, ctx.tx, patientId);
  if ((await ctx.tx.existing('Patient', [patientId])).size === 0) throw notFound(`Patient/${patientId}: not found`);
  const body = bodyOf(rawBody);
  switch (operation) {
    case 'set-referent': {
      const practitioner = practitionerParam(body);
      await existingPractitioner(ctx.tx, practitioner);
      return putConsent(ctx, patientRef, 'referent', { active: true, actorRef: practitioner });
    }
    case 'revoke-referent':
      return putConsent(ctx, patientRef, 'referent', { active: false });
    case 'add-to-trust-circle': {
      const practitioner = practitionerParam(body);
      if (body.restricted !== undefined && typeof body.restricted !== 'boolean')
        throw badRequest('restricted: must be true or false', 'restricted', 'value');
      await existingPractitioner(ctx.tx, practitioner);
      return putConsent(ctx, patientRef, 'trust-circle', {
        active: true,
        actorRef: practitioner,
        restricted: body.restricted === true,
      });
    }
    case 'remove-from-trust-circle':
      return putConsent(ctx, patientRef, 'trust-circle', { active: false, actorRef: practitionerParam(body) });
    case 'hide-document':
      return relabel(ctx, patientRef, documentParam(body), { hidden: true });
    case 'unhide-document':
      return relabel(ctx, patientRef, documentParam(body), { hidden: false });
    case 'set-confidentiality': {
      const level = body.confidentiality;
      if (!CONFIDENTIALITY_LEVELS.includes(level as Confidentiality)) {
        throw badRequest(
          `confidentiality: ${JSON.stringify(level ?? null)} is not a level (N, R, V)`,
          'confidentiality',
          level === undefined ? 'required' : 'value',
        );
      }
      return relabel(ctx, patientRef, documentParam(body), { confidentiality: level as Confidentiality });
    }
    case 'close-dsp':
      return putConsent(ctx, patientRef, 'dsp-closed', { active: true });
    case 'reopen-dsp':
      return putConsent(ctx, patientRef, 'dsp-closed', { active: false });
    case 'add-assistant': {
      const practitioner = practitionerParam(body);
      await existingPractitioner(ctx.tx, practitioner);
      return putConsent(ctx, patientRef, 'assistant', { active: true, actorRef: practitioner });
    }
    case 'remove-assistant':
      return putConsent(ctx, patientRef, 'assistant', { active: false, actorRef: practitionerParam(body) });
    case 'revoke-presence-grant':
      return putConsent(ctx, patientRef, 'presence-grant', { active: false, actorRef: practitionerParam(body) });
    case 'issue-presence-code': {
      const ttl = body.ttlSeconds ?? presenceCodeTtlSeconds;
      if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > MAX_PRESENCE_CODE_TTL_SECONDS) {
        throw badRequest(
          `ttlSeconds: must be a whole number of seconds between 1 and ${MAX_PRESENCE_CODE_TTL_SECONDS}`,
          'ttlSeconds',
          'value',
        );
      }
      const code = String(randomInt(0, 100_000_000)).padStart(8, '0');
      const expiresAt = Date.parse(ctx.now) + ttl * 1000;
      await ctx.tx.putPresenceCode(hashCode(patientRef, code), { patient: patientRef, expiresAt, used: false });
      await ctx.audit.recordInTransaction(ctx.tx, {
        principal: ctx.principal,
        interaction: 'create',
        outcome: '0',
        outcomeDescription: `presence code issued, valid until ${new Date(expiresAt).toISOString()}`,
        entities: [],
        patients: [patientRef],
        recorded: ctx.now,
      });
      return {
        status: 201,
        headers: {},
        body: {
          resourceType: 'Parameters',
          parameter: [
            { name: 'code', valueString: code },
            { name: 'expires', valueInstant: new Date(expiresAt).toISOString() },
          ],
        },
      };
    }
  }
}

/**
 * `POST /fhir/Patient/<id>/$redeem-presence-code {code}` by a professional: a presence grant until the
 * code's expiry. A wrong, used or expired code counts as a failure; after 5 the patient's codes are
 * locked for a while (429 with Retry-After). Returns the error instead of throwing it so the
 * failure count commits.
 */
export async function redeemPresenceCode(
  ctx: WriteContext,
  patientId: string,
  rawBody: unknown,
): Promise<FhirResponse | FhirError> {
  const principal = ctx.principal;
  if (principal.role === 'patient' || !hasCareMandate(principal.role)) {
    return forbidden(`presence code: only a professional with a care mandate may redeem one (role ${principal.role})`);
  }
  const body = bodyOf(rawBody);
  if (typeof body.code !== 'string' || !/^[0-9]{1,16}$/.test(body.code))
    return badRequest('code: required, the digits the patient gave', 'code', body.code === undefined ? 'required' : 'value');
  const patientRef = `Patient/${patientId}`;
  // Tries are counted per patient: only for one that exists, so made-up ids cannot grow the throttle table.
  if ((await ctx.tx.existing('Patient', [patientId])).size === 0) return notFound(`${patientRef}: not found`);
  const now = Date.parse(ctx.now);
  const throttle = await ctx.tx.presenceThrottle(patientRef);
  if (throttle.lockedUntil > now) {
    const seconds = Math.max(1, Math.ceil((throttle.lockedUntil - now) / 1000));
    return new FhirError(
      429,
      {
        code: 'throttled',
        diagnostics: `code: locked after ${MAX_PRESENCE_CODE_FAILURES} wrong tries for ${patientRef}; retry in ${seconds} s`,
      },
      { 'Retry-After': String(seconds) },
    );
  }
  const hash = hashCode(patientRef, body.code);
  const record = await ctx.tx.presenceCode(hash);
  if (!record || record.used || record.expiresAt <= now || record.patient !== patientRef) {
    const failures = throttle.failures + 1;
    await ctx.tx.setPresenceThrottle(patientRef, {
      failures,
      lockedUntil: failures >= MAX_PRESENCE_CODE_FAILURES ? now + PRESENCE_LOCKOUT_MS : 0,
    });
    await ctx.audit.recordInTransaction(ctx.tx, {
      principal,
      interaction: 'update',
      outcome: '4',
      outcomeDescription: 'presence code refused (wrong, used or expired)',
      entities: [],
      patients: [patientRef],
      recorded: ctx.now,
    });
    const error = forbidden(`code: wrong, already used or expired for ${patientRef}`);
    return failures >= MAX_PRESENCE_CODE_FAILURES
      ? new FhirError(
          429,
          {
            code: 'throttled',
            diagnostics: `code: locked after ${MAX_PRESENCE_CODE_FAILURES} wrong tries for ${patientRef}; retry in ${PRESENCE_LOCKOUT_MS / 1000} s`,
          },
          { 'Retry-After': String(PRESENCE_LOCKOUT_MS / 1000) },
        )
      : error;
  }
  await ctx.tx.markPresenceCodeUsed(hash);
  await ctx.tx.setPresenceThrottle(patientRef, { failures: 0, lockedUntil: 0 });
  return putConsent(ctx, patientRef, 'presence-grant', {
    active: true,
    actorRef: principal.userRef,
    period: { start: ctx.now, end: new Date(record.expiresAt).toISOString() },
  });
}

/** Presence grants of this professional past their end, still active: closed now (with their revocations). */
export async function expirePresenceGrants(ctx: WriteContext): Promise<number> {
  const request = parseSearch(
    CONSENT,
    new URLSearchParams({ actor: ctx.principal.userRef, status: 'active', _count: String(MAX_PAGE_SIZE) }),
  );
  const page = await ctx.tx.search(request, await ctx.tx.currentSequence());
  let expired = 0;
  for (const row of page.rows) {
    const consent = row.resource as fhir4.Consent | null;
    const end = consent?.provision?.period?.end;
    const isGrant = consent?.category?.some((c) => c.coding?.some((k) => k.code === 'presence-grant'));
    if (!consent || !isGrant || end === undefined || Date.parse(end) > Date.parse(ctx.now)) continue;
    const patientRef = consent.patient!.reference!;
    const next = { ...consent, status: 'inactive' as const, dateTime: ctx.now } as fhir4.Consent & { id: string };
    await withDspTransitions(ctx.tx, patientRef, () => writeVersion(ctx, next, row), {
      before: () => new Date(Date.parse(end) - 1),
    });
    expired++;
  }
  return expired;
}

/** Whether this professional holds presence grants that have run out (a read, so `$changes` writes only when needed). */
export async function hasExpiredPresenceGrants(tx: StorageTx, userRef: string, now: number): Promise<boolean> {
  const request = parseSearch(CONSENT, new URLSearchParams({ actor: userRef, status: 'active', _count: String(MAX_PAGE_SIZE) }));
  const page = await tx.search(request, await tx.currentSequence());
  return page.rows.some((row) => {
    const consent = row.resource as fhir4.Consent | null;
    const end = consent?.provision?.period?.end;
    return (
      consent?.category?.some((c) => c.coding?.some((k) => k.code === 'presence-grant')) === true &&
      end !== undefined &&
      Date.parse(end) <= now
    );
  });
}

/** `GET /fhir/Patient/<id>/$access-log[?_count=N]`: the AuditEvents about this patient, newest first (holder only). */
export async function accessLog(
  scope: { principal: RequestContext['principal']; tx: StorageTx },
  baseUrl: string,
  patientId: string,
  query: URLSearchParams,
): Promise<FhirResponse> {
  const { tx } = scope;
  if (!scope.principal) throw unauthorized("authentication required: the access log is the holder's");
  const patientRef = await requireHolder(scope, tx, patientId);
  for (const name of query.keys())
    if (name !== '_count')
      throw badRequest(`parameter "${name}" is not supported on $access-log (supported: _count)`, undefined, 'not-supported');
  const request = parseSearch(
    AUDIT,
    new URLSearchParams({ patient: patientRef, _sort: '-_lastUpdated', _count: query.get('_count') ?? String(MAX_PAGE_SIZE) }),
  );
  const page = await tx.search(request, await tx.currentSequence());
  const bundle: fhir4.Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    link: [{ relation: 'self', url: `${baseUrl}/Patient/${patientId}/$access-log` }],
    entry: page.rows.map((row) => ({
      fullUrl: `${baseUrl}/AuditEvent/${row.id}`,
      resource: row.resource!,
      search: { mode: 'match' as const },
    })),
  };
  return { status: 200, headers: {}, body: bundle };
}
