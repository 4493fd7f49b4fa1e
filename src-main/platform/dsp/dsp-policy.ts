/**
 * The DSP domain's registration: the decision table (dsp-decision.ts) as the policy of DSP documents
 * and their Binaries, the Consent policy (a right is seen by the holder, the holder's assistant and the
 * professional it names), the DSP's share of `$changes` (documents of the DSPs the user has a right on,
 * the rights naming them, and the revocations since their cursor), and the patient simulator's operations.
 */
import { MAX_DOCUMENT_BYTES } from '../../../src-shared/domain/attachments';
import { hasCareMandate } from '../../../src-shared/domain/roles';
import { forbidden } from '../fhir/fhir-error';
import type { WriteContext } from '../fhir/request-context';
import type { ReferenceEntry } from '../fhir/search-index';
import type { SearchRequest } from '../fhir/search-query';
import type { PolicyRegistry } from '../policy/policy-registry';
import type {
  DomainRegistration,
  OperationDefinition,
  PolicyScope,
  ReadVerdict,
  ResourcePolicy,
  TypeVerdict,
} from '../policy/resource-policy';
import type { StoredVersion } from '../storage/platform-storage';
import { decisionText, DspGate, dspPatientsOf, loadDspState } from './dsp-access';
import { DOCUMENT_PARAM } from './dsp-consents';
import { actorOf, documentOfBinary } from '../../../src-shared/domain/dsp';
import { guardDspWrite } from './dsp-writes';
import {
  accessLog,
  expirePresenceGrants,
  hasExpiredPresenceGrants,
  redeemPresenceCode,
  runSimulatorOperation,
  SIMULATOR_OPERATIONS,
} from './dsp-simulator';

const NEED_LOGIN: TypeVerdict = {
  allowed: false,
  status: 401,
  reason: 'authentication required: send Authorization: Bearer <access token>',
};

function gateOf(scope: PolicyScope): DspGate {
  return scope.memo('dsp-gate', () => new DspGate(scope.tx, scope.principal, scope.now));
}

/** The patients a search names (`patient=` or `subject=`). */
function namedPatients(request: SearchRequest | undefined): string[] {
  return [
    ...new Set(
      request?.criteria.flatMap((c) =>
        c.kind === 'reference' && (c.param === 'patient' || c.param === 'subject')
          ? c.values.filter((v) => v.startsWith('Patient/'))
          : [],
      ) ?? [],
    ),
  ];
}

/**
 * Type level. A read by id is decided on the document itself (the table's rows in their order). A
 * search by someone the table refuses by role — a secretary, an admin, a patient who is not the holder —
 * is refused outright (rule 5: nothing at all, not even an empty list), unless they are the holder or an
 * assistant of every patient it names (rule 2), with the DSP's own row (closed: rule 3) when it comes first.
 * A professional's search naming a closed DSP is refused (rule 3). Any other search runs, and each document
 * is then decided on its own.
 */
async function documentTypeGate(scope: PolicyScope, action: 'read' | 'search', request?: SearchRequest): Promise<TypeVerdict> {
  const principal = scope.principal;
  if (!principal) return NEED_LOGIN;
  if (action === 'read') return { allowed: true };
  const patients = namedPatients(request);
  if (principal.role !== 'patient' && hasCareMandate(principal.role)) {
    // A professional's search of a closed DSP is refused as a read would be (rule 3), not answered empty.
    for (const patient of patients) {
      const decision = await gateOf(scope).decide('read', patient, undefined);
      if (!decision.allowed && decision.row === 3) {
        return {
          allowed: false,
          status: 403,
          reason: decisionText(decision),
          audit: { patients: [patient], rule: decisionText(decision) },
        };
      }
    }
    return { allowed: true };
  }
  if (patients.length === 0) {
    return {
      allowed: false,
      status: 403,
      reason:
        principal.role === 'patient'
          ? `DSP rule 5: a patient searches only their own DSP (add patient=${principal.userRef})`
          : `DSP rule 5: the role ${principal.role} has no care mandate: no access to the DSP`,
    };
  }
  const gate = gateOf(scope);
  for (const patient of patients) {
    const decision = await gate.decide('read', patient, undefined);
    if (!decision.allowed) {
      const status = decision.status === 401 ? 401 : 403;
      return {
        allowed: false,
        status,
        reason: decisionText(decision),
        audit: { patients: [patient], rule: decisionText(decision) },
      };
    }
  }
  return { allowed: true };
}

async function documentVerdict(scope: PolicyScope, stored: StoredVersion): Promise<ReadVerdict> {
  const decided = await gateOf(scope).decideRead(stored);
  if (decided === undefined || decided === 'orphan') return { allowed: false, status: 404, reason: 'not found' };
  const audit = { patients: [decided.patient], rule: decisionText(decided.decision) };
  const { decision } = decided;
  if (decision.allowed) return { allowed: true, audit };
  // A 409 is a write answer only; a read of a closed DSP is refused with the row's reason.
  return {
    allowed: false,
    status: decision.status === 409 ? 403 : decision.status,
    reason: `${decision.reason} (DSP rule ${decision.row})`,
    audit,
  };
}

const documentPolicy: ResourcePolicy = {
  name: 'dsp-document',
  typeGate: documentTypeGate,
  read: documentVerdict,
  write: (ctx, intent) => guardDspWrite(ctx, intent.def, intent.id, intent.body),
};

/** A Binary that belongs to a DSP document (Binary.securityContext → DocumentReference) follows its document. */
const documentBinaryPolicy: ResourcePolicy = {
  name: 'dsp-document-binary',
  claims: (resource) => documentOfBinary(resource as unknown as fhir4.Resource) !== undefined,
  typeGate: documentTypeGate,
  read: documentVerdict,
  write: (ctx, intent) => guardDspWrite(ctx, intent.def, intent.id, intent.body),
  indexEntries: (_def, resource): ReferenceEntry[] => {
    const doc = documentOfBinary(resource);
    return doc === undefined ? [] : [{ param: DOCUMENT_PARAM, target: `DocumentReference/${doc}` }];
  },
  contentLimit: { bytes: MAX_DOCUMENT_BYTES, rule: "a DSP document's content (MAX_DOCUMENT_BYTES)" },
};

/** Consents: the holder, the holder's DSP assistant and the professional a right names; nobody else. */
const consentPolicy: ResourcePolicy = {
  name: 'dsp-consent',
  typeGate: (scope) => (scope.principal ? { allowed: true } : NEED_LOGIN),
  read: async (scope, stored) => {
    const consent = stored.resource as fhir4.Consent;
    const patient = consent.patient?.reference ?? '';
    const audit = {
      patients: patient ? [patient] : [],
      rule: 'Consent: readable by the holder, their assistant and the professional it names',
    };
    const caller = scope.principal?.userRef;
    if (!caller) return { allowed: false, status: 401, reason: 'authentication required', audit };
    if (caller === patient || actorOf(consent) === caller) return { allowed: true, audit };
    const state = await scope.memo(`dsp-state:${patient}`, () => loadDspState(scope.tx, patient));
    if (state.assistants.includes(caller)) return { allowed: true, audit };
    return {
      allowed: false,
      status: 403,
      reason: 'a right is readable by the holder, their DSP assistant and the professional it names only',
      audit,
    };
  },
  write: async (ctx, intent) => {
    await guardDspWrite(ctx, intent.def, intent.id, intent.body);
    // Any other Consent is the patient's own to write.
    const patient = ((intent.body ?? intent.current?.resource) as fhir4.Consent | undefined)?.patient?.reference;
    if (ctx.principal.userRef !== patient)
      throw forbidden(`Consent: only the patient (${patient ?? 'Consent.patient'}) records their consents`);
  },
};

function simulatorOperations(presenceCodeTtlSeconds: number): OperationDefinition[] {
  return [
    ...SIMULATOR_OPERATIONS.map((name): OperationDefinition => ({
      name,
      resourceType: 'Patient',
      level: 'instance',
      method: 'POST',
      writes: true,
      parameters: [],
      run: (call) => runSimulatorOperation(call.write!, call.id!, name, call.body, presenceCodeTtlSeconds),
    })),
    {
      name: 'access-log',
      resourceType: 'Patient',
      level: 'instance',
      method: 'GET',
      writes: false,
      flushAuditFirst: true,
      parameters: ['_count'],
      run: (call) => accessLog(call.scope, call.baseUrl, call.id!, call.query),
    },
    {
      name: 'redeem-presence-code',
      resourceType: 'Patient',
      level: 'instance',
      method: 'POST',
      writes: true,
      parameters: [],
      run: (call) => redeemPresenceCode(call.write!, call.id!, call.body),
    },
  ];
}

export function registerDsp(registry: PolicyRegistry, options: { presenceCodeTtlSeconds: number }): void {
  registry.register(['DocumentReference'], documentPolicy);
  registry.register(['Binary'], documentBinaryPolicy);
  registry.register(['Consent'], consentPolicy);
  const domain: DomainRegistration = {
    name: 'dsp',
    changeScope: async (scope) => {
      const principal = scope.principal!;
      const patients = await dspPatientsOf(scope.tx, principal);
      return {
        // The Patient records of the DSPs the user may open, and of those they wrote in (their names in "Mes patients").
        resources: patients,
        authoredDocumentPatients: [principal.userRef],
        dsp: { patients, documentParam: DOCUMENT_PARAM },
        // The DSP rights naming the user (why they see a DSP, until when), also when withdrawn.
        ...(principal.role === 'patient' ? {} : { consentActors: [principal.userRef] }),
      };
    },
    revocations: async (scope, after, upTo) =>
      (await scope.tx.dspChanges(scope.principal!.userRef, after, upTo)).map(({ seq, type, id, kind }) => ({
        seq,
        type,
        id,
        kind,
      })),
    // Presence grants run out with time, not with a write: their revocations are recorded at the holder's next pull.
    beforeChanges: async (scope) => {
      const principal = scope.principal;
      if (!principal || principal.role === 'patient') return undefined;
      if (!(await hasExpiredPresenceGrants(scope.tx, principal.userRef, scope.now.getTime()))) return undefined;
      return async (ctx: WriteContext) => {
        await expirePresenceGrants(ctx);
      };
    },
    operations: simulatorOperations(options.presenceCodeTtlSeconds),
  };
  registry.domain(domain);
}
