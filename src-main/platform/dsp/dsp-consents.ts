/**
 * The patient's DSP rights as resources (PCF-style Consent), and the facts the decision table needs
 * about a document — pure. The simulator (dsp/dsp-simulator.ts) writes these Consents; reads,
 * searches, `$changes` and writes derive a DspRequest from them (dsp/dsp-access.ts).
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
import { CONFIDENTIALITY_SYSTEM, type Confidentiality } from '../../../src-shared/domain/confidentiality';
import type { DspRequest } from './dsp-decision';
import {
  DSP_CONSENT_SYSTEM,
  DSP_VISIBILITY_SYSTEM,
  type DspConsentKind,
  HIDDEN_CODE,
  actorOf,
  dspKindOf,
} from '../../../src-shared/domain/dsp';

/** Internal index parameter of a document's Binary: the DocumentReference it belongs to (from Binary.securityContext). */
export const DOCUMENT_PARAM = '_document';

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
