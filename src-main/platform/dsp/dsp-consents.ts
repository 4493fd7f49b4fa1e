/**
 * The patient's DSP rights as resources (PCF-style Consent), and the facts the decision table needs
 * about a document — pure. The simulator (service/dsp-simulator.ts) writes these Consents; reads,
 * searches, `$changes` and writes derive a DspRequest from them (service/dsp-access.ts).
 *
 * - référent, trust-circle member, presence grant, DSP assistant: a Consent per (patient, kind, actor),
 *   `provision.actor[0].reference` the professional, status active while it holds;
 *   a trust-circle member who may read restricted documents has `provision.securityLabel` R;
 *   a presence grant holds until `provision.period.end`.
 * - DSP closed: a Consent of kind `dsp-closed` (provision.type deny), active while closed.
 * - hidden document: a `meta.security` tag (DSP_VISIBILITY_SYSTEM|hidden) on the DocumentReference.
 * - confidentiality: `meta.security` with CONFIDENTIALITY_SYSTEM (N, R, V); `securityLabel` counts too.
 */
import { createHash } from 'node:crypto';
import { CONFIDENTIALITY_LEVELS, CONFIDENTIALITY_SYSTEM, type Confidentiality } from '../../../src-shared/domain/confidentiality';
import type { DspRequest } from './dsp-decision';

export const DSP_CONSENT_SYSTEM = 'https://esante.lu/fhir/CodeSystem/dsp-consent';
export const DSP_VISIBILITY_SYSTEM = 'https://esante.lu/fhir/CodeSystem/dsp-visibility';
export const HIDDEN_CODE = 'hidden';
/** Extension on a `$changes` DELETE entry saying why it is there (valueCode "revoked"). */
export const DSP_REVOKED_URL = 'https://esante.lu/fhir/StructureDefinition/dsp-revoked';
/** Internal index parameter of a document's Binary: the DocumentReference it belongs to (from Binary.securityContext). */
export const DOCUMENT_PARAM = '_document';

export const DSP_CONSENT_KINDS = ['referent', 'trust-circle', 'presence-grant', 'assistant', 'dsp-closed'] as const;
export type DspConsentKind = (typeof DSP_CONSENT_KINDS)[number];

export interface DspState {
  patientRef: string;
  closed: boolean;
  assistants: string[];
  referent: string | null;
  trustCircle: Map<string, { includesRestricted: boolean }>;
  /** Presence grants: professional → end of validity (ISO). */
  grants: Map<string, string>;
}

export function emptyDspState(patientRef: string): DspState {
  return { patientRef, closed: false, assistants: [], referent: null, trustCircle: new Map(), grants: new Map() };
}

/** The DSP kind of a Consent, or undefined for any other Consent. */
export function dspKindOf(consent: fhir4.Resource | null | undefined): DspConsentKind | undefined {
  if (!consent || consent.resourceType !== 'Consent') return undefined;
  for (const category of (consent as fhir4.Consent).category ?? []) {
    for (const coding of category.coding ?? []) {
      if (coding.system === DSP_CONSENT_SYSTEM && DSP_CONSENT_KINDS.includes(coding.code as DspConsentKind))
        return coding.code as DspConsentKind;
    }
  }
  return undefined;
}

export function actorOf(consent: fhir4.Consent): string | undefined {
  return consent.provision?.actor?.[0]?.reference?.reference;
}

/** Folds the patient's active DSP Consents into the state the decision table reads. */
export function dspStateOf(patientRef: string, consents: readonly fhir4.Resource[]): DspState {
  const state = emptyDspState(patientRef);
  for (const resource of consents) {
    const kind = dspKindOf(resource);
    const consent = resource as fhir4.Consent;
    if (!kind || consent.status !== 'active' || consent.patient?.reference !== patientRef) continue;
    const actor = actorOf(consent);
    if (kind === 'dsp-closed') state.closed = true;
    else if (!actor) continue;
    else if (kind === 'referent') state.referent = actor;
    else if (kind === 'assistant') state.assistants.push(actor);
    else if (kind === 'trust-circle') {
      const restricted = (consent.provision?.securityLabel ?? []).some(
        (l) => l.system === CONFIDENTIALITY_SYSTEM && (l.code === 'R' || l.code === 'V'),
      );
      state.trustCircle.set(actor, { includesRestricted: restricted });
    } else if (kind === 'presence-grant') {
      const end = consent.provision?.period?.end;
      if (end !== undefined) state.grants.set(actor, end);
    }
  }
  return state;
}

export function relationOf(state: DspState, userRef: string): DspRequest['relation'] {
  return {
    referent: state.referent === userRef,
    trustCircle: state.trustCircle.get(userRef) ?? null,
    presenceGrantUntil: state.grants.get(userRef) ?? null,
  };
}

/** Every professional with some tie to the DSP (whose view a rights change may alter). */
export function relatedUsers(state: DspState): string[] {
  return [
    ...new Set([
      ...(state.referent ? [state.referent] : []),
      ...state.trustCircle.keys(),
      ...state.grants.keys(),
      ...state.assistants,
    ]),
  ];
}

const RANK: Record<Confidentiality, number> = { N: 0, R: 1, V: 2 };

/** The stricter of the confidentiality levels in meta.security and securityLabel (N when none). */
export function confidentialityOf(document: fhir4.Resource): Confidentiality {
  const doc = document as fhir4.DocumentReference;
  let level: Confidentiality = 'N';
  const codings = [...(doc.meta?.security ?? []), ...(doc.securityLabel ?? []).flatMap((c) => c.coding ?? [])];
  for (const coding of codings) {
    if (coding.system !== CONFIDENTIALITY_SYSTEM || !CONFIDENTIALITY_LEVELS.includes(coding.code as Confidentiality)) continue;
    if (RANK[coding.code as Confidentiality] > RANK[level]) level = coding.code as Confidentiality;
  }
  return level;
}

export function isHidden(document: fhir4.Resource): boolean {
  return (document.meta?.security ?? []).some((c) => c.system === DSP_VISIBILITY_SYSTEM && c.code === HIDDEN_CODE);
}

/** The patient ("Patient/…") a DocumentReference belongs to, if any. */
export function patientOfDocument(document: fhir4.Resource): string | undefined {
  const ref = (document as fhir4.DocumentReference).subject?.reference;
  return typeof ref === 'string' && ref.startsWith('Patient/') ? ref : undefined;
}

/** The DocumentReference id a Binary belongs to (Binary.securityContext), if any. */
export function documentOfBinary(binary: fhir4.Resource): string | undefined {
  const ref = (binary as fhir4.Binary).securityContext?.reference;
  return typeof ref === 'string' && ref.startsWith('DocumentReference/') ? ref.slice('DocumentReference/'.length) : undefined;
}

/** The Binaries ("id") a DocumentReference's attachments point at. */
export function binariesOfDocument(document: fhir4.Resource): string[] {
  const ids: string[] = [];
  for (const content of (document as fhir4.DocumentReference).content ?? []) {
    const url = content.attachment?.url;
    if (typeof url === 'string' && url.startsWith('Binary/')) ids.push(url.slice('Binary/'.length));
  }
  return ids;
}

/** A document's content removed: what a role without a care mandate sees (rule 4). */
export function metadataOnly<T extends fhir4.Resource>(document: T): T {
  const doc = document as unknown as fhir4.DocumentReference;
  return {
    ...doc,
    content: (doc.content ?? []).map((c) => {
      const { data: _data, url: _url, ...attachment } = c.attachment ?? {};
      return { ...c, attachment };
    }),
  } as unknown as T;
}

/** Replaces the document's confidentiality and hidden tags, keeping any other security label. */
export function withSecurity(
  document: fhir4.DocumentReference,
  change: { confidentiality?: Confidentiality; hidden?: boolean },
): fhir4.DocumentReference {
  let security = document.meta?.security ?? [];
  let securityLabel = document.securityLabel;
  if (change.confidentiality !== undefined) {
    security = [
      ...security.filter((c) => c.system !== CONFIDENTIALITY_SYSTEM),
      { system: CONFIDENTIALITY_SYSTEM, code: change.confidentiality },
    ];
    securityLabel = [{ coding: [{ system: CONFIDENTIALITY_SYSTEM, code: change.confidentiality }] }];
  }
  if (change.hidden !== undefined) {
    security = security.filter((c) => !(c.system === DSP_VISIBILITY_SYSTEM && c.code === HIDDEN_CODE));
    if (change.hidden)
      security = [...security, { system: DSP_VISIBILITY_SYSTEM, code: HIDDEN_CODE, display: 'hidden by the patient' }];
  }
  return { ...document, meta: { ...document.meta, security }, ...(securityLabel ? { securityLabel } : {}) };
}

/** The id of the Consent of one kind for one patient (and actor): one resource, versioned as it changes. */
export function consentId(kind: DspConsentKind, patientId: string, actorRef?: string): string {
  const short = { referent: 'ref', 'trust-circle': 'tc', 'presence-grant': 'pg', assistant: 'as', 'dsp-closed': 'closed' }[kind];
  const actor = actorRef ? `-${actorRef.replace(/^[A-Za-z]+\//, '')}` : '';
  const readable = `dsp-${patientId}-${short}${kind === 'referent' ? '' : actor}`;
  if (readable.length <= 64) return readable;
  return `dsp-${short}-${createHash('sha256')
    .update(`${kind}|${patientId}|${actorRef ?? ''}`)
    .digest('hex')
    .slice(0, 40)}`;
}

export function buildConsent(options: {
  id: string;
  kind: DspConsentKind;
  patientRef: string;
  active: boolean;
  actorRef?: string;
  restricted?: boolean;
  period?: { start: string; end: string };
  dateTime: string;
}): fhir4.Consent {
  const { kind } = options;
  return {
    resourceType: 'Consent',
    id: options.id,
    status: options.active ? 'active' : 'inactive',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
    category: [{ coding: [{ system: DSP_CONSENT_SYSTEM, code: kind }] }],
    patient: { reference: options.patientRef },
    dateTime: options.dateTime,
    policyRule: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: kind === 'dsp-closed' ? 'OPTOUT' : 'OPTIN' }],
    }, // R4 ppc-1
    provision: {
      type: kind === 'dsp-closed' ? 'deny' : 'permit',
      ...(options.period ? { period: options.period } : {}),
      ...(options.actorRef
        ? {
            actor: [
              {
                role: {
                  coding: [
                    {
                      system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                      code: kind === 'referent' ? 'PPRF' : 'PRCP',
                    },
                  ],
                },
                reference: { reference: options.actorRef },
              },
            ],
          }
        : {}),
      ...(options.restricted ? { securityLabel: [{ system: CONFIDENTIALITY_SYSTEM, code: 'R' }] } : {}),
    },
  };
}
